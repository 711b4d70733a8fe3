import { DEFAULT_VARY, requestKey } from '../lib/cache-key';
import { InFlight } from '../lib/in-flight';
import { copyResponse, runShared } from '../lib/shared-request';
import type { Middleware, SyncResponse } from '../lib/types';

export interface DedupeOptions {
  /**
   * Request headers whose values tell requests apart, on top of the method and URL with its query
   * (the cache step's key). Credentials are in by default, so two users never share a response.
   * @default ['accept', 'accept-language', 'authorization', 'cookie']
   */
  vary?: readonly string[];
}

const DEFAULT_DEDUPE_VARY: readonly string[] = [...DEFAULT_VARY, 'authorization', 'cookie'];

/**
 * Identical reads in flight at the same time share one request. It runs on a signal of its own,
 * aborted only when every caller has aborted; each caller gets its own copy of the response and
 * parses its own body (the step sits inside `parse`). A failure reaches every caller, and the next
 * read starts afresh.
 */
export function dedupe(options: DedupeOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('dedupe() takes an options object');
  const { vary = DEFAULT_DEDUPE_VARY } = options;
  if (!Array.isArray(vary) || !vary.every((name) => typeof name === 'string' && name !== '')) {
    throw new TypeError('dedupe(): vary must be an array of header names');
  }
  const lowerVary = vary.map((name) => name.toLowerCase());
  const inFlight = new InFlight<SyncResponse>();
  const step: Middleware = async function dedupe(ctx, next) {
    if (ctx.request.method !== 'GET') return next();
    const key = requestKey(ctx, { prefix: 'dedupe:', vary: lowerVary });
    const ticket = inFlight.join(key, (signal) => runShared(ctx, next, signal));
    ctx.state.dedupe = ticket.leader ? 'leader' : 'shared';
    ctx.response = copyResponse(await ticket.wait(ctx.signal));
  };
  step.order = { after: ['parse'], reason: 'each caller parses its own copy of the shared body' };
  return step;
}
