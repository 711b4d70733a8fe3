/**
 * Promoted bytes and mark-compacts per call, for one row, measured by V8 itself (`--trace-gc-nvp`).
 *
 * Parent: `gcRows(ids, calls)` runs each row in a child process of its own (a fresh heap, the same
 * in-process server) and reads V8's trace. Child: `node --trace-gc-nvp --import tsx bench/gc.ts ROW CALLS`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { warm } from './measure';
import { ROWS } from './rows';
import { startBenchServer } from './server';

const CONCURRENCY = 32;
const MARK = '--- measured calls start ---';

export interface GcResult {
  id: string;
  calls: number;
  /** Bytes that survived a scavenge into the old generation, per call (the in-process server included). */
  promotedBytesPerCall: number;
  /** Full (mark-sweep-compact) collections during the measured calls. */
  markCompacts: number;
  scavenges: number;
}

export function gcRows(ids: readonly string[], calls: number): GcResult[] {
  return ids.map((id) => {
    const output = execFileSync(
      process.execPath,
      ['--trace-gc-nvp', '--import', 'tsx', path.join(__dirname, 'gc.ts'), id, String(calls)],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const measured = output.slice(output.indexOf(MARK) + MARK.length);
    let promoted = 0;
    let markCompacts = 0;
    let scavenges = 0;
    for (const line of measured.split('\n')) {
      const kind = /\bgc=(\w+)/.exec(line)?.[1];
      if (kind === undefined) continue;
      if (kind === 's') {
        scavenges++;
        promoted += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0);
      } else if (kind === 'ms' || kind === 'mc') {
        markCompacts++;
      }
    }
    return { id, calls, promotedBytesPerCall: promoted / calls, markCompacts, scavenges };
  });
}

async function child(id: string, calls: number): Promise<void> {
  const definition = ROWS.find((row) => row.id === id);
  if (!definition) throw new Error(`No bench row ${id}`);
  const server = await startBenchServer();
  const row = await definition.setup({ origin: server.origin, serverRequests: () => server.requests });
  if (typeof row === 'string') throw new Error(row);
  try {
    await warm(row.call, 2000, CONCURRENCY);
    console.log(MARK);
    let started = 0;
    const worker = async () => {
      while (started < calls) {
        started++;
        await row.call();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log('--- measured calls end ---');
  } finally {
    await row.close?.();
    await server.close();
  }
}

if (require.main === module) {
  child(process.argv[2], Number(process.argv[3])).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
