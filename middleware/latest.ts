import { abortOn, supersedeRead } from '../lib/toolkit';
import type { Middleware } from '../lib/types';

export interface LatestOptions {
  /**
   * Every read of a model or collection aborts its read still in flight (a call opts out with
   * `latest: false`). `false`: only calls with `latest: true` do, as without this step. @default true
   */
  reads?: boolean;
  /** A model's calls in flight are aborted when it is destroyed (its 'destroy' event). @default false */
  abortOnDestroy?: boolean;
  /** A collection's calls in flight are aborted when it is reset (its 'reset' event). @default false */
  abortOnReset?: boolean;
}

/**
 * Latest-wins fetches: a new `fetch` of the same model or collection aborts the one still in flight, which
 * settles as 'abort' and never touches the model. Without this step a call asks for it with `latest: true`.
 * @example superSync.use(latest({ abortOnDestroy: true, abortOnReset: true }))
 */
export function latest(options: LatestOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('latest() takes an options object');
  const { reads = true, abortOnDestroy = false, abortOnReset = false } = options;
  for (const [name, value] of Object.entries({ reads, abortOnDestroy, abortOnReset })) {
    if (typeof value !== 'boolean')
      throw new TypeError(`latest(): ${name} must be true or false, got ${String(value)}`);
  }
  return function latest(ctx, next) {
    const { model, xhr, options: call } = ctx;
    // `latest: true` calls were superseded by the core already.
    if (reads && ctx.method === 'read' && call.latest === undefined) supersedeRead(model, xhr);
    if (abortOnDestroy) abortOn(model, 'destroy', xhr);
    if (abortOnReset) abortOn(model, 'reset', xhr);
    return next();
  };
}
