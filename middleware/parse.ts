import { decodeBody, SyncError } from '../lib/toolkit';
import type { Middleware, SyncContext, SyncResponse } from '../lib/types';

/**
 * Turns the raw response into `ctx.response.body` on the way up. A 2xx body is JSON (Backbone asks
 * jQuery for dataType 'json', which parses whatever the content type says); an empty body, 204, 205
 * and 304 give `undefined`. Anything else becomes a `SyncError` that keeps the body.
 */
export function parse(): Middleware {
  return async function parse(ctx, next) {
    await next();
    const response = ctx.response;
    if (!response || response.fromCache) return;
    const { status } = response;
    if ((status >= 200 && status < 300) || status === 304) {
      response.body = decodeBody(ctx, response);
      return;
    }
    throw httpError(ctx, response);
  };
}

function httpError(ctx: SyncContext, response: SyncResponse): SyncError {
  const details = { ...describe(ctx, response), responseJSON: tryJSON(response.text) };
  if (status3xx(response.status) && response.headers.location !== undefined) {
    return new SyncError(
      'ERR_TOO_MANY_REDIRECTS',
      `Too many redirects: gave up after ${ctx.sync.maxRedirects} (last Location: ${response.headers.location})`,
      details,
    );
  }
  return new SyncError('ERR_HTTP', response.statusText || `HTTP ${response.status}`, details);
}

function describe(ctx: SyncContext, response: Pick<SyncResponse, 'status' | 'statusText' | 'text' | 'headers'>) {
  return {
    method: ctx.request.method,
    url: ctx.request.url,
    status: response.status,
    statusText: response.statusText,
    responseText: response.text,
    headers: response.headers,
  };
}

function status3xx(status: number): boolean {
  return status >= 300 && status < 400;
}

function tryJSON(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
