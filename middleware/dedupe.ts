import {
  requestKey,
  credentialHash,
  abortReason,
  copyError,
  SyncError,
  InFlight,
  copyResponse,
  runShared,
} from '../lib/toolkit';
import type { Middleware, SyncResponse } from '../lib/types';

export interface DedupeOptions {
  /**
   * Request headers left out of the key, which is otherwise the cache step's: the method, the URL as
   * sent and every request header. Credentials always tell requests apart, whatever this says
   * (`Authorization`, `Cookie`, `Proxy-Authorization`, `sync.privateHeaders` and marked headers, hashed
   * into the key), so two users never share. @default sync.cacheIgnoreHeaders
   */
  ignoreHeaders?: readonly string[];
}

/**
 * Identical reads in flight at the same time share one request. It runs on a signal of its own,
 * aborted only when every caller has aborted; each caller gets its own copy of the response and
 * parses its own body (the step sits inside `parse`). A failure reaches every caller, and the next
 * read starts afresh.
 */
export function dedupe(options: DedupeOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('dedupe() takes an options object');
  if ('vary' in options) {
    throw new TypeError('dedupe(): `vary` is gone: every request header is part of the key now; see ignoreHeaders');
  }
  const { ignoreHeaders } = options;
  if (
    ignoreHeaders !== undefined &&
    (!Array.isArray(ignoreHeaders) || !ignoreHeaders.every((name) => typeof name === 'string' && name !== ''))
  ) {
    throw new TypeError('dedupe(): ignoreHeaders must be an array of header names');
  }
  const ignore = ignoreHeaders?.map((name) => name.toLowerCase());
  const inFlight = new InFlight<SyncResponse>();
  // Bumped when a write through this step starts and when it succeeds: a read that starts after a write
  // never joins a read that started before it (read-your-writes, and the cache's write guard, hold).
  let generation = 0;
  const step: Middleware = async function dedupe(ctx, next) {
    if (ctx.request.method !== 'GET') {
      generation++;
      await next();
      const status = ctx.response?.status ?? 0;
      if (status >= 200 && status < 300) generation++;
      return;
    }
    const credential = credentialHash(ctx);
    let key = requestKey(ctx, { prefix: 'dedupe:', ignore: ignore ?? ctx.sync.cacheIgnoreHeaders }) + ':' + generation;
    if (credential !== undefined) key += ':' + credential;
    const ticket = inFlight.join(key, (signal) => runShared(ctx, next, signal));
    ctx.state.dedupe = ticket.leader ? 'leader' : 'shared';
    try {
      ctx.response = copyResponse(await ticket.wait(ctx));
    } catch (error) {
      // Each caller gets its own error, with its own responseJSON: callers never share one mutable object.
      throw !ticket.leader && error instanceof SyncError && abortReason(ctx) !== error ? copyError(error) : error;
    }
  };
  step.order = { after: ['parse'], reason: 'each caller parses its own copy of the shared body' };
  // Runs the rest of the stack once, on a context of its own, for every caller that shares it.
  step.reentrant = true;
  return step;
}
