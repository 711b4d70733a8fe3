import {
  SyncError,
  isCredentialHeader,
  type CacheStatus,
  cacheStatusOf,
  wireUrl,
  DEFAULT_SENSITIVE_PARAMS,
  maskUrl,
  REDACTED,
} from '../lib/toolkit';
import type { Headers, HttpMethod, Middleware, SyncContext } from '../lib/types';

/** What one call looks like to `format`. */
export interface LogEntry {
  method: HttpMethod;
  /** The URL as sent, with the query string; its userinfo password and sensitive query values masked. */
  url: string;
  /** The response status, or 0 when none came (network error, timeout, abort). */
  status: number;
  /** Milliseconds from this step down and back, rounded. */
  duration: number;
  /**
   * How the cache answered, as `xhr.cacheStatus` tells the app: 'hit', 'revalidated', 'stale', 'miss',
   * 'shared', 'bypass' (a private read, or `Cache-Control: no-store`), or 'off' (no `cache: true`, a write).
   */
  cache: CacheStatus;
  /** Retries made by a `retry()` step inside this one (`ctx.state.retries`). */
  retries: number;
  /** Each step's ms, steps inside it included, when `timings` is on (or another step records them). */
  timings: Record<string, number> | undefined;
  /** The failure's code, when the call failed. */
  error: string | undefined;
  /** The request headers, with every credential's and secret's value replaced by '[redacted]'. */
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
  /**
   * Query parameters whose values are masked in the URL (names matched in any case).
   * @default access_token, refresh_token, id_token, token, api_key, apikey, key, code, signature, sig, password, passwd, secret, client_secret
   */
  sensitiveParams?: readonly string[];
  /**
   * Records each step's time (`ctx.state.timings`, ms from its start until it settled, steps inside it
   * included) and appends them to the line: `timings=cache:3.1ms,parse:2.9ms,transport:2.8ms`. @default false
   */
  timings?: boolean;
}

/**
 * One line per call, after it ends: method, URL, status, duration in ms, cache hit or miss, retry count
 * (and the error code of a failure). Never a secret: the values of every credential header (Authorization,
 * Cookie, Proxy-Authorization, `sync.privateHeaders`, headers a step marked, `secrets`), the URL's userinfo
 * password and the values of `sensitiveParams` are masked wherever the line prints them.
 */
export function logger(options: LoggerOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('logger() takes an options object');
  const { log = console.log, format = formatLine, secrets = [], sensitiveParams = DEFAULT_SENSITIVE_PARAMS } = options;
  const { timings = false } = options;
  if (typeof timings !== 'boolean') throw new TypeError('logger(): timings must be true or false');
  if (typeof log !== 'function') throw new TypeError('logger(): log must be a function (line) => void');
  if (typeof format !== 'function') throw new TypeError('logger(): format must be a function (entry) => string');
  if (!Array.isArray(secrets) || !secrets.every((name) => typeof name === 'string' && name !== '')) {
    throw new TypeError('logger(): secrets must be an array of header names');
  }
  if (!Array.isArray(sensitiveParams) || !sensitiveParams.every((name) => typeof name === 'string' && name !== '')) {
    throw new TypeError('logger(): sensitiveParams must be an array of query parameter names');
  }
  const secretNames = ['set-cookie', ...secrets.map((name) => name.toLowerCase())];
  const params = sensitiveParams.map((name) => name.toLowerCase());

  let warned = false;
  const step: Middleware = async function logger(ctx, next) {
    const started = performance.now();
    if (timings) ctx.state.timings ??= {};
    let failure: unknown;
    try {
      await next();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      try {
        const isSecret = (name: string) => isCredentialHeader(ctx, name) || secretNames.includes(name.toLowerCase());
        const url = wireUrl(ctx.request);
        const line = format(entryOf(ctx, started, failure, maskUrl(url, params), isSecret));
        log(scrub(line, secretValues(ctx.request.headers, url, params, isSecret)));
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

function entryOf(
  ctx: SyncContext,
  started: number,
  failure: unknown,
  url: string,
  isSecret: (name: string) => boolean,
): LogEntry {
  const { request, response } = ctx;
  const headers: Headers = {};
  for (const name in request.headers) headers[name] = isSecret(name) ? REDACTED : request.headers[name];
  const retries = ctx.state.retries;
  const timings = ctx.state.timings as Record<string, number> | undefined;
  return {
    timings,
    method: request.method,
    url,
    status: response?.status ?? (failure instanceof SyncError ? failure.status : 0),
    duration: Math.round(performance.now() - started),
    cache: cacheOutcome(ctx),
    retries: typeof retries === 'number' ? retries : 0,
    error: failure === undefined ? undefined : failure instanceof SyncError ? failure.code : 'ERR_MIDDLEWARE',
    headers,
    ctx,
  };
}

function cacheOutcome(ctx: SyncContext): CacheStatus {
  const status = cacheStatusOf(ctx);
  // A step of the app's own that answers from somewhere says so with `fromCache` alone.
  return status === 'off' && ctx.response?.fromCache ? 'hit' : status;
}

function formatLine(entry: LogEntry): string {
  const outcome = entry.error === undefined ? '' : ` ${entry.error}`;
  const timings = entry.timings
    ? ' timings=' +
      Object.entries(entry.timings)
        .map(([name, ms]) => `${name}:${ms.toFixed(1)}ms`)
        .join(',')
    : '';
  return (
    `${entry.method} ${entry.url} ${entry.status}${outcome} ${entry.duration}ms ` +
    `cache=${entry.cache} retries=${entry.retries}${timings}`
  );
}

/**
 * Every secret this call carries, as it could be printed: credential header values (with and without their
 * scheme), the URL's userinfo password and the sensitive query values (raw and decoded).
 */
function secretValues(
  headers: Headers,
  url: string,
  params: readonly string[],
  isSecret: (name: string) => boolean,
): string[] {
  const values: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (!value || !isSecret(name)) continue;
    values.push(value);
    // A value with a scheme ('Bearer abc') may be printed without it.
    const space = value.indexOf(' ');
    if (space !== -1 && space < value.length - 1) values.push(value.slice(space + 1));
  }
  const masked = maskUrl(url, params);
  if (masked !== url) {
    // The values that masking removed: compare the two strings piece by piece.
    const original = url.split(/[:@?&#=]/);
    const kept = new Set(masked.split(/[:@?&#=]/));
    for (const piece of original) {
      if (piece.length < 3 || kept.has(piece)) continue;
      values.push(piece);
      try {
        const decoded = decodeURIComponent(piece.replace(/\+/g, ' '));
        if (decoded !== piece) values.push(decoded);
      } catch {
        // Not percent-encoded text: the raw value is enough.
      }
    }
  }
  // Longest first, so a value that contains another is blanked whole.
  return values.sort((a, b) => b.length - a.length);
}

/** Blanks every secret value out of the line, whatever the format printed. */
function scrub(line: string, secrets: readonly string[]): string {
  let text = String(line);
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join(REDACTED);
  return text;
}
