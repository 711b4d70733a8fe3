import { performance } from 'node:perf_hooks';

/** One benchmarked operation: starts a call and settles when it is done. */
export type Call = () => PromiseLike<unknown>;

/** Latencies in ms, kept in a growing typed array (a row can run a few hundred thousand calls). */
export class Samples {
  private data = new Float64Array(1 << 14);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** [median, p99] in ms. */
  percentiles(): [number, number] {
    if (this.length === 0) return [NaN, NaN];
    const sorted = this.data.slice(0, this.length).sort();
    return [at(sorted, 0.5), at(sorted, 0.99)];
  }
}

function at(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** What one cell (a row at one concurrency) has measured so far, over all its rounds. */
export class Cell {
  calls = 0;
  elapsedMs = 0;
  /** CPU time (user + system) of the whole process, server included, while the cell ran. */
  cpuMicros = 0;
  readonly latencies = new Samples();

  constructor(readonly concurrency: number) {}

  /**
   * Runs `call` from `concurrency` workers, each starting its next call when the previous one
   * settles, for about `ms`; every call's latency is recorded. A failed call fails the run:
   * every row is expected to succeed, and a benchmark of errors measures nothing.
   */
  async slice(call: Call, ms: number): Promise<void> {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const end = started + ms;
    let calls = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await call();
        this.latencies.push(performance.now() - t0);
        calls++;
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < this.concurrency; i++) workers.push(worker());
    await Promise.all(workers);
    this.elapsedMs += performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    this.cpuMicros += cpu.user + cpu.system;
    this.calls += calls;
  }

  /** µs of CPU per call, the server's share included (the same for every row). */
  get cpuPerCall(): number {
    return this.calls > 0 ? this.cpuMicros / this.calls : NaN;
  }

  get perSecond(): number {
    return this.elapsedMs > 0 ? (this.calls * 1000) / this.elapsedMs : NaN;
  }
}

/** Runs `call` `times` times, `concurrency` at once, without recording: JIT warm-up, connection setup. */
export async function warm(call: Call, times: number, concurrency: number): Promise<void> {
  let left = times;
  const worker = async () => {
    while (left-- > 0) await call();
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < concurrency; i++) workers.push(worker());
  await Promise.all(workers);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A latency for the table: µs below 1 ms, ms above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 1 : 0)} µs`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  return Math.round(perSecond).toLocaleString('en-US');
}
