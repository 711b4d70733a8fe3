import { LRUCache } from 'lru-cache';
import { isCredentialHeader } from './credentials';
import { sha256Hex } from './runtime';
import { wireUrl } from './wire-url';
import type { SyncContext } from './types';

export interface RequestKeyOptions {
  /** Prefix of every key. @default 'bss:' */
  prefix?: string;
  /** Lower-case names of request headers left out of the key (per-call noise). @default DEFAULT_IGNORED_HEADERS */
  ignore?: readonly string[];
}

export const DEFAULT_KEY_PREFIX = 'bss:';
/** Headers that differ on every call without changing the answer: tracing and request ids. */
export const DEFAULT_IGNORED_HEADERS: readonly string[] = [
  'traceparent',
  'tracestate',
  'x-request-id',
  'x-correlation-id',
];

/**
 * The key of a request: a prefix plus the sha256 of what the transport sends. The method, the URL as it
 * goes on the wire (`wireUrl`, byte for byte: nothing is merged, decoded or reordered, so two keys are
 * equal only when the requests are) and every request header present now, except the `ignore` list, the
 * request's cache directives (`Cache-Control`, `Pragma`) and the credential headers, which the callers key
 * separately (hashed, or by scope). The cache step and
 * `dedupe()` both key by this.
 */
export function requestKey(ctx: SyncContext, options: RequestKeyOptions = {}): string {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const ignore = options.ignore ?? DEFAULT_IGNORED_HEADERS;
  const { request } = ctx;
  const canonical = JSON.stringify([request.method, wireUrl(request), keyedHeaders(ctx, ignore)]);
  // Most reads repeat a few requests (every cache hit computes its key): recent ones are remembered
  // instead of hashed again.
  const memo = canonical.length <= MEMO_MAX_LENGTH ? prefix + canonical : undefined;
  if (memo !== undefined) {
    const known = recentKeys.get(memo);
    if (known !== undefined) return known;
  }
  const key = prefix + sha256Hex(canonical);
  if (memo !== undefined) recentKeys.set(memo, key);
  return key;
}

/** What the request asks of caches, not of the server: a `no-cache` read revalidates the same entry. */
const CACHE_DIRECTIVES = new Set(['cache-control', 'pragma']);

/**
 * `[name, value]` pairs sorted by name. Names in lower case, as HTTP compares them; when one name is
 * given twice in different cases the later one wins, as on the wire (Node's `setHeader` replaces).
 */
function keyedHeaders(ctx: SyncContext, ignore: readonly string[]): Array<[string, string]> {
  const headers = ctx.request.headers;
  const byName = new Map<string, string>();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (CACHE_DIRECTIVES.has(lower) || ignore.includes(lower) || isCredentialHeader(ctx, lower)) {
      byName.delete(lower);
      continue;
    }
    byName.set(lower, String(value));
  }
  return [...byName].sort(byFirst);
}

function byFirst(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

// Bounded by entries and by size (long requests are not remembered at all), so the memo stays small.
const MEMO_MAX_LENGTH = 2048;
const recentKeys = new LRUCache<string, string>({
  max: 1000,
  maxSize: 4 * 1024 * 1024,
  sizeCalculation: (key, memo) => key.length + memo.length,
});

/** The key backbone-super-sync 1.1.1 used (`url + JSON.stringify(data)`), for code that reads its entries. */
export function legacyCacheKey(ctx: SyncContext): string {
  const { model, options, method } = ctx;
  const url = options.url || (typeof model.url === 'function' ? model.url() : model.url);
  const data = options.data || (method === 'create' || method === 'update' ? model.toJSON?.(options) : {});
  return url + JSON.stringify(data);
}
