import { createSync } from '../../lib/index';
import { CallContext } from '../../lib/context';
import type { SyncMethod, SyncOptions, SyncRequest, SyncResponse } from '../../lib/types';

/** A real call context for unit-testing one step alone, without running a stack. */
export function fakeContext(
  request: Partial<SyncRequest> = {},
  options: SyncOptions = {},
  method: SyncMethod = 'read',
): CallContext {
  const sync = createSync();
  const ctx = new CallContext(sync, method, { url: request.url ?? 'http://api.test/items' }, options, {
    method: 'GET',
    url: 'http://api.test/items',
    query: undefined,
    headers: {},
    body: undefined,
    timeout: 0,
    ...request,
  });
  // Unit tests look at steps, not at the returned promise.
  ctx.xhr.catch(() => {});
  return ctx;
}

/** A `next` that plays the inner steps by setting a response. */
export function respondWith(ctx: CallContext, response: Partial<SyncResponse>) {
  return jest.fn(async () => {
    ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '', fromCache: false, ...response };
  });
}
