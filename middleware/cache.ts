import type { Middleware } from '../lib/types';

/** Placeholder replaced by the cache issue: passes every call through to the network. */
export function cache(): Middleware {
  return function cache(_ctx, next) {
    return next();
  };
}
