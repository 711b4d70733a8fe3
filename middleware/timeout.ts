import { SyncError } from '../lib/toolkit';
import type { Middleware, SyncContext } from '../lib/types';

/**
 * One total deadline for everything inside it (cache lookups, retries, the request):
 * `options.timeout ?? sync.timeout` ms, 0 for none. When it passes the call fails at once with
 * textStatus 'timeout' and the in-flight request is aborted through `ctx.signal`.
 */
export function timeout(): Middleware {
  return async function timeout(ctx, next) {
    const ms = ctx.request.timeout;
    if (!(ms > 0)) return next();
    ctx.deadline = Date.now() + ms;
    const timer = setTimeout(expire, ms, ctx, ms);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
  };
}

function expire(ctx: SyncContext, ms: number): void {
  ctx.abort(
    new SyncError('ERR_TIMEOUT', `timeout of ${ms}ms exceeded`, {
      method: ctx.request.method,
      url: ctx.request.url,
    }),
  );
}
