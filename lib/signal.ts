import { abortReason, onAbort } from './context';
import type { SyncContext } from './types';

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts (no timer left behind). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`'s outcome, or the abort reason as soon as `source` aborts: a caller stops waiting, the work
 * goes on. Given a call's context, it listens without making the context's AbortSignal (see onAbort()).
 */
export function untilAborted<T>(promise: Promise<T>, source: AbortSignal | SyncContext): Promise<T> {
  const reason = source instanceof AbortSignal ? (source.aborted ? source.reason : undefined) : abortReason(source);
  if (reason !== undefined) return Promise.reject(reason);
  return new Promise<T>((resolve, reject) => {
    const stop =
      source instanceof AbortSignal ? listenOnce(source, () => reject(source.reason)) : onAbort(source, reject);
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}

function listenOnce(signal: AbortSignal, listener: () => void): () => void {
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
