import { SyncError, FRAMING_HEADERS, framingHeaderMessage, isHeaderName } from '../lib/toolkit';
import type { Headers, Middleware, SyncContext } from '../lib/types';

type HeaderSource = Headers | ((ctx: SyncContext) => Headers);

const UNSAFE_VALUE = /[\r\n\0]/;

/**
 * Without an argument, the built-in step: `Accept: application/json`, then `sync.headers`, then
 * `options.headers`, then what the request already carries (Content-Type, `beforeSend`'s
 * `setRequestHeader`), later ones winning. With an object or a function of the context, a step
 * that adds those headers, replacing what `editRequest` and hand-wrapped syncs were used for:
 * `sync.use(headers({ 'x-xapp-token': token }))`.
 */
export function headers(source?: HeaderSource): Middleware {
  if (source === undefined) return mergeConfiguredHeaders;
  if (source === null || (typeof source !== 'object' && typeof source !== 'function')) {
    throw new TypeError('headers() takes an object or a function of the context returning one');
  }
  return function headers(ctx, next) {
    assignHeaders(ctx.request.headers, typeof source === 'function' ? source(ctx) : source, 'headers()');
    return next();
  };
}

function mergeConfiguredHeaders(ctx: SyncContext, next: () => Promise<void>): Promise<void> {
  const merged: Headers = { accept: 'application/json' };
  const configured = ctx.sync.headers;
  assignHeaders(merged, typeof configured === 'function' ? configured(ctx) : configured, 'sync.headers');
  if (ctx.options.headers) assignHeaders(merged, ctx.options.headers, 'options.headers');
  assignHeaders(merged, ctx.request.headers, 'the request');
  ctx.request.headers = merged;
  return next();
}
Object.defineProperty(mergeConfiguredHeaders, 'name', { value: 'headers' });

/** Copies `source` into `target` with lower-case names; refuses what could split a header line. */
export function assignHeaders(target: Headers, source: unknown, from: string): void {
  if (source == null) return;
  if (typeof source !== 'object') throw invalid(`${from} must be an object of header values`);
  for (const name in source) {
    const value = (source as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    if (!isHeaderName(name)) throw invalid(`Invalid header name ${JSON.stringify(name)} in ${from}`);
    if (FRAMING_HEADERS.includes(name.toLowerCase())) throw invalid(framingHeaderMessage(name, from));
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalid(`Header "${name}" in ${from} must be a string, got ${typeof value}`);
    }
    const text = String(value);
    if (UNSAFE_VALUE.test(text)) throw invalid(`Header "${name}" in ${from} contains CR, LF or NUL`);
    target[name.toLowerCase()] = text;
  }
}

function invalid(message: string): SyncError {
  return new SyncError('ERR_INVALID_REQUEST', message);
}
