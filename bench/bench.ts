/**
 * npm run bench [-- --quick] [-- --pipeline] [-- --rows=1,2,4]
 *
 * Rows 1-7 of issue 8 against one local JSON server, in alternating rounds in this one process,
 * then the CPU time of the pipeline alone. Prints a table and writes bench/results/latest.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cell, formatMs, formatRate, warm } from './measure';
import { fleetBurst, type FleetBurst } from './fleet';
import { gcRows, type GcResult } from './gc';
import { measurePipeline, type PipelineResult } from './pipeline';
import { redisAnswers, ROWS, type ReadyRow } from './rows';
import { startBenchServer } from './server';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const PIPELINE_ONLY = args.has('--pipeline');
/** --rows=2,4 runs only those rows and skips the pipeline measurement (to profile one row). */
const ONLY_ROWS = [...args]
  .find((arg) => arg.startsWith('--rows='))
  ?.slice('--rows='.length)
  .split(',');
for (const arg of args) {
  if (!['--quick', '--pipeline'].includes(arg) && !arg.startsWith('--rows=')) {
    console.error(`Unknown argument ${arg} (known: --quick, --pipeline, --rows=1,2,...)`);
    process.exit(2);
  }
}

const CONCURRENCY = [1, 32] as const;
/** The minimal superagent sync, the default stack through Backbone, and the default stack called directly. */
const GC_ROWS = ['2m', '4', '4d'];
// Each cell (row x concurrency) runs in slices of SLICE_MS, one slice per round, until it has run
// MIN_MS and MIN_CALLS calls (or MAX_MS when a slow row cannot reach MIN_CALLS in time).
const SLICE_MS = QUICK ? 100 : 500;
const MIN_MS = QUICK ? 200 : 2000;
const MIN_CALLS = QUICK ? 0 : 5000;
const MAX_MS = QUICK ? 200 : 6000;
const WARM_CALLS = QUICK ? 200 : 1000;

interface RowResult {
  id: string;
  label: string;
  /** Why the row did not run, when it did not. */
  na?: string;
  byConcurrency?: Record<
    string,
    { calls: number; seconds: number; perSecond: number; medianMs: number; p99Ms: number; cpuUsPerCall: number }
  >;
  ratioToRow1?: Record<string, number>;
  /** Against the minimal superagent sync (row 2m), the yardstick of the default stack. */
  ratioToRow2m?: Record<string, number>;
  ratioToRow3?: Record<string, number>;
  /** Requests the server saw while a cache-hit row ran (0 = every call was a hit). */
  networkRequests?: number;
}

interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = os.loadavg();
  const server = await startBenchServer();
  const context = { origin: server.origin, serverRequests: () => server.requests };
  const results: RowResult[] = [];
  const ready = new Map<string, ReadyRow>();
  const cells = new Map<string, Cell[]>();
  const networkRequests = new Map<string, number>();

  try {
    // First, in a fresh heap: the rows leave megabytes of latency samples and garbage behind.
    const pipeline = ONLY_ROWS ? undefined : await measurePipeline(QUICK);
    if (!PIPELINE_ONLY) {
      for (const row of ROWS) {
        if (ONLY_ROWS && !ONLY_ROWS.includes(row.id)) {
          results.push({ id: row.id, label: row.label, na: 'not run (--rows)' });
          continue;
        }
        const setup = await row.setup(context);
        if (typeof setup === 'string') {
          results.push({ id: row.id, label: row.label, na: setup });
          continue;
        }
        ready.set(row.id, setup);
        cells.set(
          row.id,
          CONCURRENCY.map((c) => new Cell(c)),
        );
        networkRequests.set(row.id, 0);
        results.push({ id: row.id, label: row.label });
      }
      for (const [id, row] of ready) {
        for (const c of CONCURRENCY) await warm(row.call, WARM_CALLS, c);
        process.stdout.write(`warmed row ${id}\n`);
      }

      let round = 0;
      for (;;) {
        const pendingCells: Array<[string, Cell]> = [];
        for (const [id, rowCells] of cells) {
          for (const cell of rowCells) if (!cellDone(cell)) pendingCells.push([id, cell]);
        }
        if (pendingCells.length === 0) break;
        // Every other round runs backwards, so drift in the machine's load spreads over every row.
        if (round % 2 === 1) pendingCells.reverse();
        for (const [id, cell] of pendingCells) {
          const row = ready.get(id)!;
          const seenBefore = server.requests;
          await cell.slice(row.call, SLICE_MS);
          networkRequests.set(id, networkRequests.get(id)! + server.requests - seenBefore);
        }
        round++;
        process.stdout.write(`round ${round}: ${pendingCells.length} cells\n`);
      }
      fillResults(results, cells, ready, networkRequests);
    }

    // Promoted bytes and full collections per call, each row in a fresh child heap (V8's own trace).
    const gc = PIPELINE_ONLY || ONLY_ROWS ? undefined : gcRows(GC_ROWS, QUICK ? 3000 : 20000);
    const fleet = PIPELINE_ONLY || ONLY_ROWS || !(await redisAnswers()) ? undefined : await fleetBurst(server, QUICK);
    const loadAfter = os.loadavg();
    const targets = [
      ...(PIPELINE_ONLY ? [] : rowTargets(results)),
      ...(pipeline ? pipelineTargets(pipeline) : []),
      ...(fleet ? fleetTargets(fleet) : []),
    ];
    const report = {
      date: started.toISOString(),
      quick: QUICK,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverageBefore: loadBefore.map((n) => Number(n.toFixed(2))),
        loadAverageAfter: loadAfter.map((n) => Number(n.toFixed(2))),
      },
      settings: { sliceMs: SLICE_MS, minMs: MIN_MS, minCalls: MIN_CALLS, maxMs: MAX_MS, warmCalls: WARM_CALLS },
      rows: results,
      pipeline,
      gc,
      fleet,
      targets,
    };
    if (!PIPELINE_ONLY) printTable(results);
    if (gc) printGc(gc);
    if (pipeline) printPipeline(pipeline);
    if (fleet) printFleet(fleet);
    printTargets(targets);
    console.log(
      `\n${report.date}, ${report.machine.cpus} x ${report.machine.cpuModel}, Node ${process.version}, ` +
        `load average ${report.machine.loadAverageBefore[0]} before, ${report.machine.loadAverageAfter[0]} after`,
    );
    if (!PIPELINE_ONLY && !ONLY_ROWS) {
      const file = path.join(__dirname, 'results', 'latest.json');
      writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
      console.log(`written to ${path.relative(process.cwd(), file)}`);
    }
    const hitRowsThatMissed = results.filter((r) => ready.get(r.id)?.expectsNoRequests && r.networkRequests);
    if (hitRowsThatMissed.length) {
      console.error(`cache-hit rows reached the server: ${hitRowsThatMissed.map((r) => r.id).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const row of ready.values()) await row.close?.();
    await server.close();
  }
}

function cellDone(cell: Cell): boolean {
  if (cell.elapsedMs < MIN_MS) return false;
  return cell.calls >= MIN_CALLS || cell.elapsedMs >= MAX_MS;
}

function fillResults(
  results: RowResult[],
  cells: Map<string, Cell[]>,
  ready: Map<string, ReadyRow>,
  networkRequests: Map<string, number>,
): void {
  const rate = (id: string, c: number) => cells.get(id)?.find((cell) => cell.concurrency === c)?.perSecond ?? NaN;
  for (const result of results) {
    const rowCells = cells.get(result.id);
    if (!rowCells) continue;
    result.byConcurrency = {};
    result.ratioToRow1 = {};
    result.ratioToRow2m = {};
    result.ratioToRow3 = {};
    for (const cell of rowCells) {
      const [medianMs, p99Ms] = cell.latencies.percentiles();
      const c = String(cell.concurrency);
      result.byConcurrency[c] = {
        calls: cell.calls,
        seconds: Number((cell.elapsedMs / 1000).toFixed(2)),
        perSecond: Math.round(cell.perSecond),
        medianMs,
        p99Ms,
        cpuUsPerCall: Number(cell.cpuPerCall.toFixed(1)),
      };
      result.ratioToRow1[c] = round2(cell.perSecond / rate('1', cell.concurrency));
      result.ratioToRow2m[c] = round2(cell.perSecond / rate('2m', cell.concurrency));
      result.ratioToRow3[c] = round2(cell.perSecond / rate('3', cell.concurrency));
    }
    if (ready.get(result.id)?.expectsNoRequests) result.networkRequests = networkRequests.get(result.id);
  }
}

function round2(n: number): number {
  return Number.isFinite(n) ? Number(n.toFixed(2)) : NaN;
}

function rowTargets(results: RowResult[]): Target[] {
  const rate = (id: string) => results.find((r) => r.id === id)?.byConcurrency?.['32']?.perSecond ?? NaN;
  const rate1 = (id: string) => results.find((r) => r.id === id)?.byConcurrency?.['1']?.perSecond ?? NaN;
  const ratio = (a: number, b: number) => a / b;
  const r4to3 = ratio(rate('4'), rate('3'));
  const r4to2m = [ratio(rate1('4'), rate1('2m')), ratio(rate('4'), rate('2m'))];
  const hitsTo7 = [ratio(rate1('6a'), rate1('7')), ratio(rate('6a'), rate('7'))];
  const hitsKnown = hitsTo7.every(Number.isFinite);
  const nearTo6a = [ratio(rate1('6n'), rate1('6a')), ratio(rate('6n'), rate('6a'))];
  const nearKnown = nearTo6a.every(Number.isFinite);
  return [
    { target: 'row 4 >= 3x row 3 at concurrency 32', measured: `${r4to3.toFixed(3)}x`, met: r4to3 >= 3 },
    {
      target: 'row 4 (default stack) >= 0.9x row 2m (minimal superagent sync) at c=1 and c=32',
      measured: `${r4to2m[0].toFixed(3)}x at c=1, ${r4to2m[1].toFixed(3)}x at c=32`,
      met: r4to2m.every(Number.isFinite) ? Math.min(...r4to2m) >= 0.9 : null,
    },
    {
      target: 'memory-store hits (row 6) >= 0.5x row 7',
      measured: hitsKnown ? `${hitsTo7[0].toFixed(3)}x at c=1, ${hitsTo7[1].toFixed(3)}x at c=32` : 'n/a',
      met: hitsKnown ? Math.min(...hitsTo7) >= 0.5 : null,
    },
    {
      target: 'near-cache hits (row 6n) >= 0.9x memory-store hits (row 6a)',
      measured: nearKnown ? `${nearTo6a[0].toFixed(3)}x at c=1, ${nearTo6a[1].toFixed(3)}x at c=32` : 'n/a',
      met: nearKnown ? Math.min(...nearTo6a) >= 0.9 : null,
    },
  ];
}

function fleetTargets(fleet: FleetBurst): Target[] {
  return [
    {
      target: 'one upstream request per cold key per fleet (Redis lease on)',
      measured: `${fleet.withLock.perKey.toFixed(2)} per key (${fleet.withoutLock.perKey.toFixed(2)} without the lease)`,
      met: fleet.withLock.perKey === 1,
    },
  ];
}

function printFleet(fleet: FleetBurst): void {
  console.log(
    `\nfleet cold start (${fleet.processes} processes x ${fleet.concurrency} concurrent reads of each of ` +
      `${fleet.coldKeys} cold keys, one Redis):`,
  );
  console.log(
    `  with the Redis lease:    ${fleet.withLock.upstream} upstream requests (${fleet.withLock.perKey} per key)`,
  );
  console.log(
    `  without it (lock: false): ${fleet.withoutLock.upstream} upstream requests (${fleet.withoutLock.perKey} per key)`,
  );
}

function pipelineTargets(pipeline: PipelineResult): Target[] {
  return [
    {
      target: 'pipeline CPU (transport stubbed) <= 5 µs per call',
      measured: `${pipeline.perCallUs.toFixed(2)} µs`,
      met: pipeline.perCallUs <= 5,
    },
    {
      target: 'extra pass-through middleware < 1 µs',
      measured: `${pipeline.perMiddlewareUs.toFixed(3)} µs`,
      met: pipeline.perMiddlewareUs < 1,
    },
  ];
}

function printTable(results: RowResult[]): void {
  const header = [
    'row',
    'req/s c=1',
    'req/s c=32',
    'median c=1',
    'p99 c=1',
    'median c=32',
    'p99 c=32',
    '×row 2m',
    '×row 3',
    'CPU/call c=32',
  ];
  const lines: string[][] = [];
  for (const r of results) {
    const name = `${r.id}. ${r.label}`;
    if (r.na || !r.byConcurrency) {
      lines.push([name, r.na ?? 'n/a', '', '', '', '', '', '', '', '']);
      continue;
    }
    const c1 = r.byConcurrency['1'];
    const c32 = r.byConcurrency['32'];
    lines.push([
      name,
      formatRate(c1.perSecond),
      formatRate(c32.perSecond),
      formatMs(c1.medianMs),
      formatMs(c1.p99Ms),
      formatMs(c32.medianMs),
      formatMs(c32.p99Ms),
      `${r.ratioToRow2m!['1'].toFixed(2)} / ${r.ratioToRow2m!['32'].toFixed(2)}`,
      `${r.ratioToRow3!['1'].toFixed(2)} / ${r.ratioToRow3!['32'].toFixed(2)}`,
      `${c32.cpuUsPerCall.toFixed(1)} µs`,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l[2] !== '').map((l) => l[i].length)));
  const pad = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log('\n' + pad(header));
  for (const line of lines) console.log(line[2] === '' ? `${line[0].padEnd(widths[0])}  ${line[1]}` : pad(line));
  console.log('(ratios: c=1 / c=32; CPU/call: the whole process, the in-process server included)');
}

function printPipeline(p: PipelineResult): void {
  console.log(
    `\npipeline alone (default stack, transport stubbed): ${p.perCallUs.toFixed(2)} µs CPU per call ` +
      `(of which JSON.parse of the 1 KB body: ${p.jsonParseUs.toFixed(2)} µs)`,
  );
  console.log(
    `each extra pass-through middleware: ${p.perMiddlewareUs.toFixed(3)} µs ` +
      `(${p.extraSteps} extra steps, median of ${p.rounds} rounds of ${p.callsPerRound.toLocaleString('en-US')} calls)`,
  );
}

function printGc(results: GcResult[]): void {
  console.log('\ngarbage per call (c=32, a fresh heap per row, the in-process server included):');
  for (const r of results) {
    console.log(
      `  row ${r.id.padEnd(3)} ${Math.round(r.promotedBytesPerCall).toLocaleString('en-US').padStart(6)} B promoted per call, ` +
        `${r.markCompacts} mark-compacts and ${r.scavenges} scavenges in ${r.calls.toLocaleString('en-US')} calls`,
    );
  }
}

function printTargets(targets: Target[]): void {
  console.log('\ntargets:');
  for (const t of targets) {
    const mark = t.met === null ? 'n/a ' : t.met ? 'met ' : 'GAP ';
    console.log(`  ${mark} ${t.target}: ${t.measured}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
