/**
 * Fleet rows: four processes share one Redis; each makes 50 concurrent reads of the same cold keys at once.
 * Counts the upstream requests the burst makes, with the Redis lease and without it. The processes are
 * the suite's fleet workers (test/fixtures/fleet-worker.ts), forked with tsx.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BenchServer } from './server';

const WORKER = path.join(__dirname, '..', 'test', 'fixtures', 'fleet-worker.ts');
const PROCESSES = 4;
const CONCURRENCY = 50;

export interface FleetBurst {
  processes: number;
  concurrency: number;
  coldKeys: number;
  withLock: { upstream: number; perKey: number };
  withoutLock: { upstream: number; perKey: number };
}

export async function fleetBurst(server: BenchServer, quick: boolean): Promise<FleetBurst> {
  const coldKeys = quick ? 3 : 10;
  const withLock = await burst(server, coldKeys, true);
  const withoutLock = await burst(server, coldKeys, false);
  return { processes: PROCESSES, concurrency: CONCURRENCY, coldKeys, withLock, withoutLock };
}

async function burst(server: BenchServer, coldKeys: number, lock: boolean) {
  const run = `${process.pid}-${Date.now()}-${lock ? 'lock' : 'nolock'}`;
  const prefix = `/slow/fleet-${run}/`;
  const workers = Array.from({ length: PROCESSES }, () => new Worker());
  try {
    const init = {
      client: 'redis',
      nodes: [{ host: '127.0.0.1', port: 6379 }],
      config: { cachePrefix: `bench-fleet:${run}:`, cacheFleet: { lock } },
    };
    await Promise.all(workers.map((worker) => worker.ask({ type: 'init', init })));
    server.requestsTo(prefix);
    for (let key = 0; key < coldKeys; key++) {
      // Answers after 100 ms, so the four processes' reads overlap as a cold start's do.
      const url = `${server.origin}${prefix}${key}?ms=100`;
      await Promise.all(workers.map((worker) => worker.ask({ type: 'read', url, concurrency: CONCURRENCY })));
    }
    const upstream = server.requestsTo(prefix);
    return { upstream, perKey: upstream / coldKeys };
  } finally {
    await Promise.all(workers.map((worker) => worker.ask({ type: 'exit' }).catch(() => {})));
  }
}

class Worker {
  private readonly child: ChildProcess = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  private next = 0;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();

  constructor() {
    this.child.on('message', (reply: Record<string, unknown>) => {
      this.waiting.get(reply.id as number)?.(reply);
      this.waiting.delete(reply.id as number);
    });
    this.child.on('exit', () => {
      for (const answer of this.waiting.values()) answer({ error: 'the worker exited' });
    });
  }

  ask(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)));
      this.child.send({ ...command, id });
    });
  }
}
