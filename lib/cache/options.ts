// The cache's option and snapshot types, without imports: lib/types.ts declares the configuration with them.

/** How the processes that share one Redis coordinate (`cacheFleet`). */
export interface FleetOptions {
  /** A write through any process invalidates every process's entries of its URLs (a generation per URL). */
  invalidation: boolean;
  /** One process per cold key fetches; the others wait for its entry (a Redis lease). */
  lock: boolean;
  /** Milliseconds a lease lasts unless its holder renews it (it does, while its fetch runs). */
  lease: number;
  /** Milliseconds a process waits for another's fetch before it fetches itself (within the call's deadline). */
  lockWait: number;
  /** Seconds a URL's generation is kept after its last write; entries never outlive it. */
  generationTtl: number;
  /** Hot entries refresh before they expire, with a probability rising as expiry nears (XFetch). */
  earlyRefresh: boolean;
}

/** An in-process tier in front of Redis (`nearCache`), kept coherent by pub/sub. */
export interface NearCacheOptions {
  /** Entries kept. @default 1000 */
  max: number;
  /** Bytes kept (keys and values). @default 10485760 (10 MB) */
  maxBytes: number;
  /** Seconds an entry is kept: the bound on staleness when invalidation messages are lost. @default 5 */
  ttl: number;
}

/** What `sync.cache.snapshot()` returns: JSON-safe, and safe inside a `<script>` (every entry is base64). */
export interface CacheSnapshot {
  v: 1;
  entries: string[];
}

export interface SnapshotOptions {
  /**
   * Include the entries cached per user (`cacheScope: 'user'`). Only for a page made for that user: their
   * answers go into the page. Reads that bypassed the cache (credentials, no scope) are never in it.
   * @default false
   */
  includeUserEntries?: boolean;
}
