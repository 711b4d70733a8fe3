import CachePolicy from 'http-cache-semantics';
import type { Headers, SyncResponse } from '../types';
import { isHeaders, type CacheEntry } from './entry';

/** How long a cached read is fresh: the app's seconds (1.1.1's meaning), or `'http'`: what the response says. */
export type CacheTime = number | 'http';

export type PolicyRequest = CachePolicy.HttpRequest;
export type PolicyObject = CachePolicy.CachePolicyObject;
export { CachePolicy };

/**
 * Response headers that do not describe the stored body (RFC 9111 section 3.1): hop-by-hop ones, and the
 * length and coding of the bytes as they came (the stored text is decoded). `Connection` may name more.
 */
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authentication-info',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
]);

/** The response headers an entry keeps: all of them but those above (and Set-Cookie never reaches here). */
export function storedHeaders(headers: Headers): Headers {
  const named = headers.connection?.toLowerCase().split(',');
  const kept: Headers = {};
  for (const name in headers) {
    if (NOT_STORED.has(name) || (named !== undefined && named.some((token) => token.trim() === name))) continue;
    kept[name] = headers[name];
  }
  return kept;
}

/**
 * The request as the policy compares it for `Vary`: names in lower case, values trimmed with the spaces
 * around commas dropped, so `en, fr` and `en,fr` select the same variant.
 */
export function policyRequest(method: string, headers: Headers, leaveOut?: (name: string) => boolean) {
  const normalized: Headers = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (leaveOut?.(lower)) continue;
    normalized[lower] = String(value)
      .trim()
      .replace(/\s*,\s*/g, ',')
      .replace(/\s+/g, ' ');
  }
  // No URL: the key already holds the URL as sent, and a custom `cacheKey` may share an entry across URLs.
  return { method, headers: withLowerCaseDirectives(normalized) } satisfies PolicyRequest;
}

/**
 * The policy an entry is kept and served by. With a number of seconds, freshness is the app's (as in
 * 1.1.1): `max-age` and `s-maxage` of that value are appended to the response's own Cache-Control
 * (a later directive wins in the library's parse), so `no-store`, `private`, `no-cache`, `must-revalidate`,
 * `stale-if-error` and `stale-while-revalidate` still count, and the server's `Age` does not. With
 * `'http'` it is the response's own (`s-maxage`, `max-age`, `Expires`). `shared` is false for entries
 * kept per user (`cacheScope: 'user'`), which a private cache may keep.
 */
export function makePolicy(request: PolicyRequest, response: SyncResponse, cacheTime: CacheTime, shared: boolean) {
  // The hop-by-hop headers describe the connection, not the answer: the policy (and its stored form) goes without them.
  let headers = withLowerCaseDirectives(storedHeaders(response.headers));
  if (cacheTime !== 'http') {
    const own = headers['cache-control'];
    // The library reads whole seconds; the store keeps the exact time (see storeSeconds).
    const seconds = Math.max(0, Math.ceil(cacheTime));
    const appTime = `max-age=${seconds}, s-maxage=${seconds}`;
    headers = { ...headers, 'cache-control': own ? `${own}, ${appTime}` : appTime };
    delete headers.age;
  }
  return new CachePolicy(request, { status: response.status, headers }, { shared });
}

/**
 * Whether a shared (or, per user, private) cache may keep this answer: a 2xx other than a partial one,
 * without Set-Cookie or `Vary: *`, that the library finds storable (RFC 9111 section 3).
 */
export function isStorable(policy: CachePolicy, response: SyncResponse): boolean {
  const { status, headers } = response;
  if (status < 200 || status > 299 || status === 206) return false;
  if (headers['set-cookie'] !== undefined || varyStar(headers.vary)) return false;
  return policy.storable();
}

/** Whether the request itself says `Cache-Control: no-store` (the library as the judge: nothing is stored for it). */
export function requestForbidsStoring(request: PolicyRequest): boolean {
  if (request.headers['cache-control'] === undefined) return false;
  return !new CachePolicy(request, PROBE_RESPONSE).storable();
}
const PROBE_RESPONSE = { status: 200, headers: { 'cache-control': 'max-age=1' } };

/** `Vary: *` (alone or in a list): no later request can match, so keeping the answer is waste. */
function varyStar(vary: string | undefined): boolean {
  return vary !== undefined && vary.split(',').some((name) => name.trim() === '*');
}

/**
 * Directive names are case-insensitive (RFC 9111 section 5.2); the library compares them as written, so
 * `No-Store` would pass as an unknown directive. Field names in `private="..."` are case-insensitive too.
 */
function withLowerCaseDirectives(headers: Headers): Headers {
  const cacheControl = headers['cache-control'];
  const pragma = headers.pragma;
  if (cacheControl === undefined && pragma === undefined) return headers;
  const lowered = { ...headers };
  if (cacheControl !== undefined) lowered['cache-control'] = cacheControl.toLowerCase();
  if (pragma !== undefined) lowered.pragma = pragma.toLowerCase();
  return lowered;
}

/** Whether the stored answer can be revalidated (it has a validator). */
export function hasValidator(headers: Headers): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined;
}

/**
 * Whether the stored answer may stand in for this request once stale (stale-if-error, or a call's
 * stale-while-revalidate): it must be this request's variant (`Vary`) and must not say `must-revalidate`.
 * The library decides, asked as for a request that accepts any staleness (`max-stale`).
 */
export function usableWhenStale(policy: CachePolicy, request: PolicyRequest): boolean {
  const anyStaleness = { ...request, headers: { ...request.headers, 'cache-control': 'max-stale' } };
  return policy.evaluateRequest(anyStaleness).response !== undefined;
}

/**
 * How long the store keeps an entry, in seconds: its freshness (the app's exact `cacheTime`, fractions
 * included, or the response's own), then the longest of `grace` and the response's stale-while-revalidate
 * and stale-if-error windows. 0 when it is not worth keeping.
 */
export function storeSeconds(policy: CachePolicy, cacheTime: CacheTime, grace: number): number {
  const freshFor = Math.max(0, policy.maxAge() - policy.age());
  const windows = Math.max(0, policy.timeToLive() / 1000 - freshFor);
  const fresh = cacheTime === 'http' ? freshFor : freshFor > 0 ? cacheTime : 0;
  return fresh + Math.max(grace, windows);
}

/** The entry's policy, or undefined when its text is not one (a corrupt entry). */
export function policyObjectOf(entry: CacheEntry): PolicyObject | undefined {
  try {
    const policy: unknown = JSON.parse(entry.policy);
    return isPolicyObject(policy) ? policy : undefined;
  } catch {
    return undefined;
  }
}

function isPolicyObject(value: unknown): value is PolicyObject {
  if (value === null || typeof value !== 'object') return false;
  const policy = value as Record<string, unknown>;
  return policy.v === 1 && typeof policy.t === 'number' && isHeaders(policy.resh) && typeof policy.rescc === 'object';
}
