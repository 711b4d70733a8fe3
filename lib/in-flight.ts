/**
 * Shares one running task among every caller that asks for the same key while it runs: the cache
 * step's coalesced misses and the dedupe step both stand on this, so the two cannot drift apart.
 * The task gets its own AbortSignal, aborted only once every caller has left; the entry is
 * removed when the task settles, so a failure is shared by its waiters and the next call retries.
 */
export interface InFlightTicket<T> {
  /** The shared outcome. */
  readonly promise: Promise<T>;
  /** True for the caller whose request started the task. */
  readonly leader: boolean;
  /** This caller no longer waits; when the last one leaves, the task's signal aborts. */
  leave(): void;
}

interface Entry<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

export class InFlight<T> {
  private readonly running = new Map<string, Entry<T>>();

  get size(): number {
    return this.running.size;
  }

  join(key: string, start: (signal: AbortSignal) => Promise<T>): InFlightTicket<T> {
    let entry = this.running.get(key);
    const leader = entry === undefined;
    if (entry === undefined) {
      const controller = new AbortController();
      const created: Entry<T> = { promise: undefined as unknown as Promise<T>, controller, waiting: 0 };
      created.promise = start(controller.signal).finally(() => {
        if (this.running.get(key) === created) this.running.delete(key);
      });
      // Waiters handle the outcome; the shared promise itself must never count as unhandled.
      created.promise.catch(() => {});
      this.running.set(key, created);
      entry = created;
    }
    const joined = entry;
    joined.waiting++;
    let left = false;
    return {
      promise: joined.promise,
      leader,
      leave: () => {
        if (left) return;
        left = true;
        if (--joined.waiting === 0) {
          if (this.running.get(key) === joined) this.running.delete(key);
          joined.controller.abort();
        }
      },
    };
  }
}
