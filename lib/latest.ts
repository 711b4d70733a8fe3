import type { SyncHandle } from './handle';
import type { SyncModel } from './types';

type Handle = SyncHandle<unknown>;

/** The read of each model or collection that is the latest asked for. */
const latestReads = new WeakMap<object, Handle>();

/**
 * Latest wins: `xhr` becomes the read of `model` that counts, and the one still in flight is aborted (it
 * settles as 'abort', as `xhr.abort()` does, and its answer never reaches the model). Out-of-order answers
 * of a search box's fetches can then never leave the collection with an older query's results.
 */
export function supersedeRead(model: SyncModel, xhr: Handle): void {
  const previous = latestReads.get(model);
  latestReads.set(model, xhr);
  const forget = () => {
    if (latestReads.get(model) === xhr) latestReads.delete(model);
  };
  xhr.then(forget, forget);
  if (previous !== undefined && previous !== xhr) previous.abort();
}

interface Watch {
  calls: Set<Handle>;
  listener: () => void;
}
type EventedModel = SyncModel & {
  on?: (event: string, fn: () => void) => unknown;
  off?: (event: string, fn: () => void) => unknown;
};

/** Per model, per event: the calls that event aborts, and the one listener that does it. */
const watches = new WeakMap<object, Map<string, Watch>>();

/**
 * Aborts `xhr` if `model` fires `event` ('destroy' for a model, 'reset' for a collection) while the call is in
 * flight. One listener per model and event, removed when its last call settles: nothing is kept for a
 * model with no call in flight.
 */
export function abortOn(model: SyncModel, event: string, xhr: Handle): void {
  const evented = model as EventedModel;
  if (typeof evented.on !== 'function' || typeof evented.off !== 'function') return;
  let byEvent = watches.get(model);
  if (!byEvent) watches.set(model, (byEvent = new Map()));
  let watch = byEvent.get(event);
  if (!watch) {
    const calls = new Set<Handle>();
    const listener = () => {
      for (const call of [...calls]) call.abort();
    };
    watch = { calls, listener };
    byEvent.set(event, watch);
    evented.on.call(model, event, listener);
  }
  const current = watch;
  current.calls.add(xhr);
  const done = () => {
    current.calls.delete(xhr);
    if (current.calls.size > 0 || byEvent.get(event) !== current) return;
    byEvent.delete(event);
    evented.off!.call(model, event, current.listener);
    if (byEvent.size === 0) watches.delete(model);
  };
  xhr.then(done, done);
}
