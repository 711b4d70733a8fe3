import type { Middleware, Next, SyncContext } from './types';

export type Pipeline = (ctx: SyncContext) => Promise<void>;

/**
 * The onion in one function, koa-compose's shape with two differences the built-in steps need:
 * `next()` may be called again after the inner steps have settled (retry, auth's replay after a 401;
 * koa-compose rejects that with "next() called multiple times"), and `next(other)` runs the inner
 * steps on another context (dedupe's shared request, which must not run on one caller's signal).
 */
export function compose(middleware: readonly Middleware[]): Pipeline {
  for (const step of middleware) {
    if (typeof step !== 'function') throw new TypeError('Middleware must be composed of functions');
  }
  const steps = middleware.slice();
  const count = steps.length;
  function dispatch(i: number, ctx: SyncContext): Promise<void> {
    if (i === count) return Promise.resolve();
    const next: Next = (inner) => dispatch(i + 1, inner ?? ctx);
    try {
      return Promise.resolve(steps[i](ctx, next));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return (ctx) => dispatch(0, ctx);
}
