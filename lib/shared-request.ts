import { detachedContext } from './context';
import { SyncError } from './errors';
import type { Headers, Next, SyncContext, SyncResponse } from './types';

/**
 * Runs the steps inside the current one for a request that several calls share (dedupe, a cache's
 * coalesced miss). They run on a detached context (`detachedContext`) whose signal follows the shared task's `signal`
 * (aborted only when every caller has left), never on the first caller's: that caller's abort or
 * timeout must not cut the request the others wait for. Resolves with the response they set.
 * `headers` are added to the shared request only (a cache's revalidation validators).
 */
export function runShared(ctx: SyncContext, next: Next, signal: AbortSignal, headers?: Headers): Promise<SyncResponse> {
  const controller = new AbortController();
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  const shared = detachedContext(ctx, controller, headers);
  return new Promise<SyncResponse>((resolve, reject) => {
    const onAbort = () => reject(controller.signal.reason);
    if (controller.signal.aborted) return onAbort();
    controller.signal.addEventListener('abort', onAbort, { once: true });
    next(shared).then(() => {
      const response = shared.response;
      if (response) resolve(response);
      else reject(new SyncError('ERR_MIDDLEWARE', 'The shared request finished without a response', describe(ctx)));
    }, reject);
  }).finally(() => signal.removeEventListener('abort', follow));
}

/**
 * A caller's own copy of a shared raw response (dedupe sits inside `parse`, so there is no decoded body
 * yet: each caller's `parse` makes its own).
 */
export function copyResponse(response: SyncResponse): SyncResponse {
  return { ...response, headers: { ...response.headers } };
}

function describe(ctx: SyncContext) {
  return { method: ctx.request.method, url: ctx.request.url };
}
