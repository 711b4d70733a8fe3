import { SyncError } from './errors';
import { abortReason } from './context';
import { untilAborted } from './signal';
import type { SyncContext } from './types';

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
  /**
   * The shared outcome for a caller with its own signal: when that signal aborts first, this caller
   * leaves and gets the signal's reason, while the task goes on for the others.
   */
  wait(signal: AbortSignal | SyncContext): Promise<T>;
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
    const leave = () => {
      if (left) return;
      left = true;
      if (--joined.waiting === 0) {
        if (this.running.get(key) === joined) this.running.delete(key);
        joined.controller.abort(new SyncError('ERR_ABORTED', 'Every caller of the shared request left'));
      }
    };
    return {
      promise: joined.promise,
      leader,
      leave,
      wait: (signal) =>
        untilAborted(joined.promise, signal).catch((error: unknown) => {
          if (isAborted(signal)) leave();
          throw error;
        }),
    };
  }
}

function isAborted(source: AbortSignal | SyncContext): boolean {
  return source instanceof AbortSignal ? source.aborted : abortReason(source) !== undefined;
}
