import { LRUCache } from 'lru-cache';
import { headerValue } from './header-names';
import { sha256Hex } from './runtime';
import type { SyncContext } from './types';

export interface RequestKeyOptions {
  /** Prefix of every key. @default 'bss:' */
  prefix?: string;
  /** Request headers whose values tell responses apart. @default ['accept', 'accept-language'] */
  vary?: readonly string[];
}

export const DEFAULT_KEY_PREFIX = 'bss:';
export const DEFAULT_VARY: readonly string[] = ['accept', 'accept-language'];

/**
 * The key of a request: a prefix plus the sha256 of its canonical form (verb, normalised URL, the
 * URL's query merged with `query` with keys sorted, and the `vary` header values). Reordered data
 * gives the same key, any data gives a key of the same length, and no header value other than the
 * `vary` ones (so no credential) can reach it. The cache step and `dedupe()` both key by this.
 */
export function requestKey(ctx: SyncContext, options: RequestKeyOptions = {}): string {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const vary = options.vary ?? DEFAULT_VARY;
  const { request } = ctx;
  const varied: string[] = [];
  for (const name of vary) varied.push(headerValue(request.headers, name.toLowerCase()) ?? '');
  // Most reads repeat a few URLs (every cache hit computes its key): the same inputs give the same
  // key, so recent ones are remembered instead of parsing the URL and hashing again.
  const memo =
    typeof request.query === 'object' || request.url.length > MEMO_MAX_URL
      ? undefined
      : JSON.stringify([prefix, request.method, request.url, request.query ?? null, varied]);
  if (memo !== undefined) {
    const known = recentKeys.get(memo);
    if (known !== undefined) return known;
  }
  const { base, query } = splitUrl(request.url);
  if (request.query !== undefined) {
    if (typeof request.query === 'string') mergeSearch(query, request.query);
    else Object.assign(query, request.query);
  }
  const key = prefix + sha256Hex(canonicalJSON([request.method, base, query, varied]));
  if (memo !== undefined) recentKeys.set(memo, key);
  return key;
}

// Bounded by entries and by size (long URLs are not remembered at all), so the memo stays small.
const MEMO_MAX_URL = 2048;
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

function splitUrl(url: string): { base: string; query: Record<string, unknown> } {
  const query: Record<string, unknown> = {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const at = url.indexOf('?');
    if (at === -1) return { base: url, query };
    mergeSearch(query, url.slice(at + 1));
    return { base: url.slice(0, at), query };
  }
  mergeSearch(query, parsed.search.slice(1));
  parsed.search = '';
  parsed.hash = '';
  // URL already lower-cases scheme and host and drops the default port.
  return { base: parsed.href, query };
}

function mergeSearch(into: Record<string, unknown>, search: string): void {
  for (const [name, value] of new URLSearchParams(search)) {
    const existing = into[name];
    into[name] = existing === undefined ? value : ([] as unknown[]).concat(existing, value);
  }
}

/** JSON with object keys sorted at every depth, so equal requests serialise equally. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(inner).sort()) sorted[name] = (inner as Record<string, unknown>)[name];
    return sorted;
  });
}
