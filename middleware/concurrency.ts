import { SyncError } from '../lib/toolkit';
import type { Middleware, SyncContext, SyncModel } from '../lib/types';

type Evented = SyncModel & { trigger?: (event: string, ...args: unknown[]) => unknown };

const CONDITIONAL = new Set(['update', 'patch', 'delete']);

/**
 * Optimistic concurrency: remembers the `ETag` each model was last read or saved with (a cache hit or a
 * revalidated read counts), and sends it as `If-Match` on update, patch and delete. When the server
 * answers `412 Precondition Failed` (someone changed the model first), the call fails with code
 * `ERR_CONFLICT` and textStatus 'conflict', and the model triggers `conflict` with the server's current
 * representation when the 412 carries one: `model.on('conflict', (model, current) => ...)`.
 * @example superSync.use(concurrency())
 */
export function concurrency(): Middleware {
  const etags = new WeakMap<object, string>();
  const step: Middleware = async function concurrency(ctx, next) {
    const { model, method } = ctx;
    const known = etags.get(model);
    if (CONDITIONAL.has(method) && known !== undefined && !hasHeader(ctx, 'if-match')) {
      ctx.request.headers['if-match'] = known;
    }
    try {
      await next();
    } catch (error) {
      if (!(error instanceof SyncError && error.status === 412 && CONDITIONAL.has(method))) throw error;
      throw conflict(ctx, error);
    }
    const etag = ctx.response?.headers.etag;
    if (etag !== undefined) etags.set(model, etag);
    else if (method === 'delete') etags.delete(model);
  };
  step.order = { after: ['retry'], reason: 'a 412 is an answer to report, not a failure to retry' };
  return step;
}

function conflict(ctx: SyncContext, error: SyncError): SyncError {
  const current = error.responseJSON;
  const model = ctx.model as Evented;
  if (current !== null && typeof current === 'object') model.trigger?.('conflict', model, current, ctx.options);
  return new SyncError('ERR_CONFLICT', 'Precondition Failed: the model changed on the server since it was read', {
    method: error.method,
    url: ctx.request.url,
    status: error.status,
    statusText: error.statusText,
    responseText: error.responseText,
    responseJSON: current,
    headers: error.responseHeaders,
    cause: error,
  });
}

function hasHeader(ctx: SyncContext, lower: string): boolean {
  for (const name in ctx.request.headers) if (name.toLowerCase() === lower) return true;
  return false;
}
