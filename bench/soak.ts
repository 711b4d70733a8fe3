/**
 * npm run soak [-- --quick]   (node --expose-gc --import tsx bench/soak.ts)
 *
 * 100,000 model.fetch() calls (10,000 with --quick), 64 at once, against a local server: cache hits,
 * misses, 404s, timeouts and aborts mixed. Heap used after a forced GC is sampled every tenth of the
 * run. Fails (exit 1) if the heap grows more than 5 MB after the first sample, if a call settles
 * twice or never, if a call ends other than its kind says, or if sockets or timers stay open.
 */
import { performance } from 'node:perf_hooks';
import Backbone from 'backbone';
import { createSync, runtime } from './package';
import { CACHE_NA, cacheAvailable } from './rows';
import { startBenchServer } from './server';

const QUICK = process.argv.includes('--quick');
const TOTAL = QUICK ? 10_000 : 100_000;
const CONCURRENCY = 64;
const SAMPLE_EVERY = TOTAL / 10;
const MAX_GROWTH_BYTES = 5 * 1024 * 1024;
const HOT = '/items/hot-';
const HOT_URLS = 50;
const COLD = '/items/cold-';
/** More URLs than the memory store's 1,000 entries: each is evicted before it comes back. */
const COLD_URLS = 5000;
/** A call that has not settled after this long counts as never settling. */
const STALL_MS = 30_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('Run with --expose-gc: npm run soak');
  process.exit(2);
}

type Kind = 'hit' | 'miss' | '404' | 'timeout' | 'abort' | 'abort-later' | 'signal';
// Out of every 20 calls: 6 cache hits, 6 misses, 3 404s, 2 timeouts, 1 of each abort.
const MIX: Kind[] = [
  ...Array<Kind>(6).fill('hit'),
  ...Array<Kind>(6).fill('miss'),
  ...Array<Kind>(3).fill('404'),
  ...Array<Kind>(2).fill('timeout'),
  'abort',
  'abort-later',
  'signal',
];
const EXPECTED: Record<Kind, string> = {
  hit: 'success',
  miss: 'success',
  '404': 'error 404',
  timeout: 'timeout',
  abort: 'abort',
  'abort-later': 'abort',
  signal: 'abort',
};

/** One call's callback and promise counts; dropped when it settles, so the run holds at most 64. */
interface CallRecord {
  kind: Kind;
  success: number;
  error: number;
  complete: number;
  resolved: number;
  rejected: number;
  outcome: string;
  finished: boolean;
  timer: NodeJS.Timeout | undefined;
}

const totals = {
  settledOnce: 0,
  settledTwice: 0,
  neverSettled: 0,
  lateCallbacks: 0,
  unexpected: 0,
  unhandledRejections: 0,
};
const outcomes = new Map<string, number>();
const unexpectedExamples: string[] = [];
const heapSamples: Array<{ calls: number; heapUsedMB: number }> = [];

process.on('unhandledRejection', () => totals.unhandledRejections++);

async function main(): Promise<void> {
  const baseline = resourceCounts();
  const started = performance.now();
  const server = await startBenchServer();
  const origin = server.origin;
  const withCache = cacheAvailable();
  const sync = createSync();
  const Model = Backbone.Model.extend({ sync });
  const inFlight = new Set<CallRecord>();
  server.requestsTo(HOT);
  server.requestsTo(COLD);
  const urlsUsed = { hit: 0, miss: 0 };

  function start(i: number): Promise<void> {
    const kind = MIX[i % MIX.length];
    const record: CallRecord = {
      kind,
      success: 0,
      error: 0,
      complete: 0,
      resolved: 0,
      rejected: 0,
      outcome: '',
      finished: false,
      timer: undefined,
    };
    inFlight.add(record);
    const late = () => {
      if (record.finished) totals.lateCallbacks++;
    };
    const controller = kind === 'signal' ? new AbortController() : undefined;
    const options: Record<string, unknown> = {
      url: urlFor(kind, i),
      // Hits and misses both ask for the cache; without the cache step the flag passes through unused.
      cache: kind === 'hit' || kind === 'miss',
      timeout: kind === 'timeout' ? 20 : 10_000,
      signal: controller?.signal,
      success() {
        late();
        record.success++;
        record.outcome = 'success';
      },
      error(_model: unknown, xhr: { status: number; textStatus: string }) {
        late();
        record.error++;
        record.outcome = xhr.textStatus === 'error' ? `error ${xhr.status}` : xhr.textStatus;
      },
      complete() {
        late();
        record.complete++;
      },
    };
    const xhr = new Model().fetch(options) as unknown as Promise<unknown> & { abort(): void };
    if (kind === 'abort') xhr.abort();
    else if (kind === 'abort-later') record.timer = setTimeout(() => xhr.abort(), 5);
    else if (kind === 'signal') record.timer = setTimeout(() => controller!.abort(), 5);
    return xhr
      .then(
        () => {
          late();
          record.resolved++;
        },
        () => {
          late();
          record.rejected++;
        },
      )
      .then(() => finish(record));
  }

  function finish(record: CallRecord): void {
    clearTimeout(record.timer);
    record.finished = true;
    inFlight.delete(record);
    const once =
      record.success + record.error === 1 && record.complete === 1 && record.resolved + record.rejected === 1;
    if (once) totals.settledOnce++;
    else {
      totals.settledTwice++;
      example(`${record.kind}: success ${record.success}, error ${record.error}, complete ${record.complete}`);
    }
    const outcome = record.outcome;
    outcomes.set(`${record.kind} -> ${outcome}`, (outcomes.get(`${record.kind} -> ${outcome}`) ?? 0) + 1);
    if (outcome !== EXPECTED[record.kind]) {
      totals.unexpected++;
      example(`${record.kind} ended as ${outcome}, expected ${EXPECTED[record.kind]}`);
    }
    const done = totals.settledOnce + totals.settledTwice;
    if (done % SAMPLE_EVERY === 0) sampleHeap(done);
  }

  function urlFor(kind: Kind, i: number): string {
    switch (kind) {
      case 'hit':
        return `${origin}${HOT}${urlsUsed.hit++ % HOT_URLS}`;
      case 'miss':
        return `${origin}${COLD}${urlsUsed.miss++ % COLD_URLS}`;
      case '404':
        return `${origin}/missing/${i % 100}`;
      default:
        return `${origin}/slow/${i}`;
    }
  }

  let next = 0;
  let lastProgress = performance.now();
  let settledSoFar = 0;
  const watchdog = setInterval(() => {
    const done = totals.settledOnce + totals.settledTwice;
    if (done !== settledSoFar) {
      settledSoFar = done;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > STALL_MS) {
      // Calls that never settle would hang their workers: count them, and end the run.
      totals.neverSettled = inFlight.size;
      for (const record of inFlight) example(`${record.kind}: never settled`);
      report(false, withCache, performance.now() - started);
      process.exit(1);
    }
  }, 1000);
  watchdog.unref();

  const workers: Promise<void>[] = [];
  for (let w = 0; w < CONCURRENCY; w++) {
    workers.push(
      (async () => {
        while (next < TOTAL) await start(next++);
      })(),
    );
  }
  await Promise.all(workers);
  clearInterval(watchdog);
  const runMs = performance.now() - started;

  // A call that settles a second time does so soon after the first (a late response, a timer).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const hotRequests = server.requestsTo(HOT);
  const coldRequests = server.requestsTo(COLD);
  runtime.defaultAgent(origin).destroy();
  await server.close();
  const leaked = await leftoverResources(baseline);

  const growth = heapSamples[heapSamples.length - 1].heapUsedMB - heapSamples[0].heapUsedMB;
  const failures: string[] = [];
  if (growth * 1024 * 1024 > MAX_GROWTH_BYTES) failures.push(`heap grew ${growth.toFixed(2)} MB (limit 5 MB)`);
  if (totals.settledTwice || totals.lateCallbacks) failures.push('calls settled more than once');
  if (totals.neverSettled) failures.push('calls never settled');
  if (totals.settledOnce !== TOTAL) failures.push(`${TOTAL - totals.settledOnce} calls did not settle exactly once`);
  if (totals.unexpected) failures.push(`${totals.unexpected} calls ended other than expected`);
  if (totals.unhandledRejections) failures.push(`${totals.unhandledRejections} unhandled rejections`);
  if (leaked.length) failures.push(`left open after the run: ${leaked.join(', ')}`);
  // One miss per hot URL, twice at most (a call may start between a miss's answer and its write).
  if (withCache && hotRequests > 2 * HOT_URLS) failures.push(`${hotRequests} cache-hit reads reached the server`);
  const hitCalls = outcomes.get('hit -> success') ?? 0;
  const missCalls = outcomes.get('miss -> success') ?? 0;
  report(failures.length === 0, withCache, runMs, growth, leaked, { hitCalls, hotRequests, missCalls, coldRequests });
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  if (failures.length) process.exit(1);
}

function sampleHeap(calls: number): void {
  gc!();
  gc!();
  heapSamples.push({ calls, heapUsedMB: Number((process.memoryUsage().heapUsed / 1024 / 1024).toFixed(2)) });
}

function example(text: string): void {
  if (unexpectedExamples.length < 10) unexpectedExamples.push(text);
}

/** Counts of active handles and requests by type (sockets, servers, timers, ...). */
function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** What is open now and was not before the run; sockets close a tick after destroy(), so wait up to 2 s. */
async function leftoverResources(baseline: Map<string, number>): Promise<string[]> {
  let leaked: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaked = [];
    for (const [type, count] of resourceCounts()) {
      const extra = count - (baseline.get(type) ?? 0);
      if (extra > 0) leaked.push(`${extra} ${type}`);
    }
    if (leaked.length === 0) break;
  }
  return leaked;
}

function report(
  ok: boolean,
  withCache: boolean,
  runMs: number,
  growthMB = NaN,
  leaked: string[] = [],
  hot?: { hitCalls: number; hotRequests: number; missCalls: number; coldRequests: number },
): void {
  console.log(
    `soak: ${TOTAL.toLocaleString('en-US')} fetch calls, ${CONCURRENCY} at once, ${(runMs / 1000).toFixed(1)} s`,
  );
  if (!withCache) console.log(`cache hits: ${CACHE_NA}; the 'hit' calls were sent to the server`);
  else if (hot) {
    console.log(
      `cache: ${hot.hitCalls} 'hit' calls on ${HOT_URLS} URLs, ${hot.hotRequests} reached the server ` +
        `(the first miss of each URL); ${hot.missCalls} 'miss' calls on ${COLD_URLS} URLs, ` +
        `${hot.coldRequests} reached the server`,
    );
  }
  console.log('heap used after forced GC:');
  for (const sample of heapSamples) {
    console.log(`  ${String(sample.calls).padStart(7)} calls  ${sample.heapUsedMB.toFixed(2)} MB`);
  }
  console.log(`heap growth after the first sample: ${growthMB.toFixed(2)} MB (limit 5 MB)`);
  console.log('outcomes:');
  for (const [key, count] of [...outcomes].sort()) console.log(`  ${key.padEnd(28)} ${count}`);
  console.log(
    `settled exactly once: ${totals.settledOnce}, more than once: ${totals.settledTwice + totals.lateCallbacks}, ` +
      `never: ${totals.neverSettled}, unexpected outcome: ${totals.unexpected}, ` +
      `unhandled rejections: ${totals.unhandledRejections}`,
  );
  for (const text of unexpectedExamples) console.log(`  e.g. ${text}`);
  console.log(`open resources left after the run: ${leaked.length ? leaked.join(', ') : 'none'}`);
  console.log(ok ? 'soak: PASS' : 'soak: FAIL');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
