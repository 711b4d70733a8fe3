import { isCredentialHeader, requestKey } from '../toolkit';
import { LRUCache } from 'lru-cache';
import type { Headers, SyncContext, SyncInstance, SyncRequest } from '../types';
import { encodeEntry, type CacheEntry } from './entry';
import type { CacheSnapshot, SnapshotOptions } from './options';

export type { CacheSnapshot, SnapshotOptions };

/** One cached read as a snapshot carries it: the request as the browser will send it, and the entry. */
interface SnapshotEntry {
  url: string;
  headers: Headers;
  user: boolean;
  status: number;
  responseHeaders: Headers;
  text: string;
  encoding: 'json' | 'text';
  freshUntil: number;
  delta: number;
  policy: string;
}

/** A read as recorded: what the snapshot needs, gathered cheaply (every hit records one); sorted out when taken. */
interface Recorded {
  entry: Pick<CacheEntry, 'status' | 'headers' | 'text' | 'encoding' | 'freshUntil' | 'delta' | 'policy'>;
  url: string;
  user: boolean;
  /** The request's headers and its credential marks, filtered when the snapshot is taken. */
  ctx: Pick<SyncContext, 'sync'> & { request: Pick<SyncRequest, 'headers' | 'credentialHeaders'> };
}

/** The reads an instance answered through its cache lately (by count and by bytes): what its snapshot is made of. */
const RECORDED = 100;
const RECORDED_BYTES = 4 * 1024 * 1024;
const recordings = new WeakMap<SyncInstance, LRUCache<string, Recorded>>();

/** Remembers a cached read of `ctx.sync` for its snapshot. */
export function recordRead(ctx: SyncContext, key: string, entry: CacheEntry, user: boolean, url: string): void {
  let recorded = recordings.get(ctx.sync);
  if (!recorded) {
    recorded = new LRUCache({
      max: RECORDED,
      maxSize: RECORDED_BYTES,
      sizeCalculation: (read) => read.entry.text.length + read.entry.policy.length + 256,
    });
    recordings.set(ctx.sync, recorded);
  }
  const { headers, credentialHeaders } = ctx.request;
  // The fields, not the entry: its parsed body belongs to the caller.
  const { status, headers: responseHeaders, text, encoding, freshUntil, delta, policy } = entry;
  recorded.set(key, {
    entry: { status, headers: responseHeaders, text, encoding, freshUntil, delta, policy },
    url,
    user,
    ctx: { sync: ctx.sync, request: { headers, credentialHeaders } },
  });
}

/**
 * The request without its credentials and the headers left out of keys (the browser keys what is left), and
 * the entry, as a snapshot carries them.
 */
function snapshotEntry({ entry, url, user, ctx }: Recorded): SnapshotEntry {
  const headers: Headers = {};
  const ignored = ctx.sync.cacheIgnoreHeaders;
  for (const name in ctx.request.headers) {
    const lower = name.toLowerCase();
    const value = ctx.request.headers[name];
    if (value === undefined || ignored.includes(lower) || isCredentialHeader(ctx as SyncContext, lower)) continue;
    headers[lower] = value;
  }
  return {
    url,
    headers,
    user,
    status: entry.status,
    responseHeaders: entry.headers,
    text: entry.text,
    encoding: entry.encoding,
    freshUntil: entry.freshUntil,
    delta: entry.delta,
    policy: entry.policy,
  };
}

export function takeSnapshot(sync: SyncInstance, options: SnapshotOptions = {}): CacheSnapshot {
  if (options === null || typeof options !== 'object') throw new TypeError('snapshot() takes an options object');
  const entries: string[] = [];
  for (const recorded of recordings.get(sync)?.values() ?? []) {
    if (recorded.user && options.includeUserEntries !== true) continue;
    entries.push(toBase64(JSON.stringify(snapshotEntry(recorded))));
  }
  return { v: 1, entries };
}

/** A snapshot entry made ready for a store: its key as this instance computes it, and the entry text. */
export interface HydratedEntry {
  key: string;
  url: string;
  entry: string;
  ttlSeconds: number;
}

/**
 * The entries of `snapshot` keyed as `sync` keys its own reads (its prefix, its ignore list), with the
 * generation and origin of `state`, so the first fetch of the same resource is a hit (or a 304).
 * @throws TypeError when `snapshot` is not one
 */
export function hydratedEntries(
  sync: SyncInstance,
  snapshot: unknown,
  meta: { generation: number; origin: string },
): HydratedEntry[] {
  if (snapshot === null || typeof snapshot !== 'object' || (snapshot as CacheSnapshot).v !== 1) {
    throw new TypeError('hydrate(snapshot) needs what sync.cache.snapshot() returned');
  }
  const { entries } = snapshot as CacheSnapshot;
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string')) {
    throw new TypeError('hydrate(snapshot): entries must be an array of strings');
  }
  const now = Date.now();
  const hydrated: HydratedEntry[] = [];
  for (const text of entries) {
    let entry: SnapshotEntry;
    try {
      entry = JSON.parse(fromBase64(text));
    } catch {
      throw new TypeError('hydrate(snapshot): an entry is not one of a snapshot');
    }
    const request: SyncRequest = {
      method: 'GET',
      url: entry.url,
      query: undefined,
      headers: entry.headers,
      body: undefined,
      timeout: 0,
    };
    const key = requestKey({ request, sync } as SyncContext, {
      prefix: sync.cachePrefix,
      ignore: sync.cacheIgnoreHeaders,
    });
    const response = {
      status: entry.status,
      statusText: '',
      headers: entry.responseHeaders,
      text: entry.text,
      body: undefined,
      fromCache: false,
    };
    const encoded = encodeEntry(response, entry.responseHeaders, entry.encoding === 'json', {
      storedAt: now,
      generation: meta.generation,
      origin: meta.origin,
      freshUntil: entry.freshUntil,
      delta: entry.delta,
      policy: JSON.parse(entry.policy),
    });
    // What is left of its freshness, then at least a minute (or the instance's grace) to revalidate it.
    const ttlSeconds = Math.max(0, entry.freshUntil - now) / 1000 + Math.max(sync.cacheGrace, 60);
    hydrated.push({ key, url: entry.url, entry: encoded, ttlSeconds });
  }
  return hydrated;
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(encoded: string): string {
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}
