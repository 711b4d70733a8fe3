import { SyncError } from '../lib/errors';
import { ALWAYS_PRIVATE_HEADERS } from '../lib/header-names';
import { withQuery } from '../lib/query';
import type { Headers, HttpMethod, Middleware, SyncContext } from '../lib/types';

/** What one call looks like to `format`. */
export interface LogEntry {
  method: HttpMethod;
  /** The URL as sent, with the query string. */
  url: string;
  /** The response status, or 0 when none came (network error, timeout, abort). */
  status: number;
  /** Milliseconds from this step down and back, rounded. */
  duration: number;
  /**
   * 'hit' when a cache step answered (`ctx.response.fromCache`), 'miss' when the call asked the cache and
   * went to the network, 'off' when it did not use the cache (no `cache: true`, a write, or a private read).
   */
  cache: 'hit' | 'miss' | 'off';
  /** Retries made by a `retry()` step inside this one (`ctx.state.retries`). */
  retries: number;
  /** The failure's code, when the call failed. */
  error: string | undefined;
  /** The request headers, with every secret header's value replaced by '[redacted]'. */
  headers: Headers;
  ctx: SyncContext;
}

export interface LoggerOptions {
  /** Where each line goes. @default console.log */
  log?: (line: string) => void;
  /** Turns an entry into the line. @default `GET /books/1 200 12ms cache=off retries=0` */
  format?: (entry: LogEntry) => string;
  /**
   * Header names whose values are never logged, on top of Authorization, Cookie, Proxy-Authorization
   * and Set-Cookie. Their values are also blanked out of the line wherever they appear (a token
   * echoed in a URL, say).
   */
  secrets?: readonly string[];
}

const ALWAYS_SECRET = [...ALWAYS_PRIVATE_HEADERS, 'set-cookie'];
const REDACTED = '[redacted]';

/**
 * One line per call, after it ends: method, URL, status, duration in ms, cache hit or miss, retry count
 * (and the error code of a failure). Never a value of Authorization, Cookie or a configured secret.
 */
export function logger(options: LoggerOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('logger() takes an options object');
  const { log = console.log, format = formatLine, secrets = [] } = options;
  if (typeof log !== 'function') throw new TypeError('logger(): log must be a function (line) => void');
  if (typeof format !== 'function') throw new TypeError('logger(): format must be a function (entry) => string');
  if (!Array.isArray(secrets) || !secrets.every((name) => typeof name === 'string' && name !== '')) {
    throw new TypeError('logger(): secrets must be an array of header names');
  }
  const secretNames = [...new Set([...ALWAYS_SECRET, ...secrets.map((name) => name.toLowerCase())])];

  let warned = false;
  const step: Middleware = async function logger(ctx, next) {
    const started = performance.now();
    let failure: unknown;
    try {
      await next();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      try {
        log(scrub(format(entryOf(ctx, started, failure, secretNames)), ctx.request.headers, secretNames));
      } catch (error) {
        // A broken log sink or format must not fail the call it was logging: one warning, then silence.
        if (!warned) console.warn('backbone-super-sync logger(): log or format threw; calls go on', error);
        warned = true;
      }
    }
  };
  step.order = {
    before: ['auth', 'retry', 'cache'],
    reason: 'one line per call, with its retries, replays and cache hits',
  };
  return step;
}

function entryOf(ctx: SyncContext, started: number, failure: unknown, secretNames: readonly string[]): LogEntry {
  const { request, response } = ctx;
  const headers: Headers = {};
  for (const name in request.headers) {
    headers[name] = secretNames.includes(name.toLowerCase()) ? REDACTED : request.headers[name];
  }
  const retries = ctx.state.retries;
  return {
    method: request.method,
    url: withQuery(request.url, request.query),
    status: response?.status ?? (failure instanceof SyncError ? failure.status : 0),
    duration: Math.round(performance.now() - started),
    cache: cacheOutcome(ctx),
    retries: typeof retries === 'number' ? retries : 0,
    error: failure === undefined ? undefined : failure instanceof SyncError ? failure.code : 'ERR_MIDDLEWARE',
    headers,
    ctx,
  };
}

function cacheOutcome(ctx: SyncContext): LogEntry['cache'] {
  if (ctx.response?.fromCache) return 'hit';
  const outcome = ctx.state.cache;
  return outcome === undefined || outcome === 'bypass' ? 'off' : 'miss';
}

function formatLine(entry: LogEntry): string {
  const outcome = entry.error === undefined ? '' : ` ${entry.error}`;
  return (
    `${entry.method} ${entry.url} ${entry.status}${outcome} ${entry.duration}ms ` +
    `cache=${entry.cache} retries=${entry.retries}`
  );
}

/** Blanks every secret header value out of the line, whatever the format printed. */
function scrub(line: string, headers: Headers, secretNames: readonly string[]): string {
  let text = String(line);
  for (const name in headers) {
    const value = headers[name];
    if (value === '' || !secretNames.includes(name.toLowerCase())) continue;
    text = text.split(value).join(REDACTED);
    // A value with a scheme ('Bearer abc') may be printed without it.
    const space = value.indexOf(' ');
    if (space !== -1 && space < value.length - 1) text = text.split(value.slice(space + 1)).join(REDACTED);
  }
  return text;
}
