import { hmacSha256Hex, randomSecret, requestKey } from '../toolkit';
import type { Headers, SyncContext, SyncInstance, SyncRequest } from '../types';

let processSecret: string | undefined;

/** The suffix of a `cacheScope: 'user'` key: an HMAC, so the key tells nothing about the credential. */
export function userSuffix(sync: SyncInstance, credential: string): string {
  const secret = sync.cacheUserSecret ?? (processSecret ??= randomSecret());
  return ':u:' + hmacSha256Hex(secret, credential);
}

/** The key of a read: the call's `cacheKey`, else `sync.cacheKey(ctx)`, else the request key. */
export function readKey(ctx: SyncContext): string {
  const { options, sync } = ctx;
  const key = options.cacheKey ?? (sync.cacheKey ? sync.cacheKey(ctx) : undefined);
  if (key === undefined) return requestKey(ctx, { prefix: sync.cachePrefix, ignore: sync.cacheIgnoreHeaders });
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`A cache key must be a non-empty string, got ${key === '' ? 'an empty string' : typeof key}`);
  }
  return key;
}

/**
 * The key a plain read of `url` has (public, anonymous, with only the headers the `headers` step adds from
 * the configuration), so a write can delete entries other processes stored; undefined when a custom
 * `cacheKey` function makes the key unknowable.
 */
export function plainReadKey(sync: SyncInstance, url: string): string | undefined {
  if (sync.cacheKey) return undefined;
  const request: SyncRequest = {
    method: 'GET',
    url,
    query: undefined,
    headers: configuredHeaders(sync),
    body: undefined,
    timeout: 0,
  };
  return requestKey({ request, sync } as SyncContext, { prefix: sync.cachePrefix, ignore: sync.cacheIgnoreHeaders });
}

/** The headers a read made by `sync` carries when nothing else adds any (the `headers` step's defaults). */
function configuredHeaders(sync: SyncInstance): Headers {
  const headers: Headers = { accept: 'application/json' };
  if (typeof sync.headers === 'object') {
    for (const name in sync.headers) headers[name.toLowerCase()] = String(sync.headers[name]);
  }
  return headers;
}
