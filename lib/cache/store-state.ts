import { LRUCache } from 'lru-cache';
import { SyncError } from '../errors';
import type { CacheErrorInfo, SyncContext, SyncInstance } from '../types';
import { CircuitBreaker } from './breaker';
import { decodeEntry, ENTRY_VERSION, type CacheEntry } from './entry';
import { isMemoryStore } from './memory-store';
import { storeAdapter, type StoreAdapter } from './stores';

/** URLs whose writes and keys are remembered (least recently used forgotten first). */
const REMEMBERED_URLS = 10_000;
/** Keys remembered per URL (query variants); past this, invalidation relies on the write time alone. */
const KEYS_PER_URL = 1000;

/** The URL without query or fragment: the unit of invalidation (`/items` covers `/items?page=2`). */
export function urlBase(url: string): string {
  const at = url.search(/[?#]/);
  return at === -1 ? url : url.slice(0, at);
}

/**
 * What the cache knows of one store, shared by every instance that uses it: its adapter, its circuit
 * breaker, and for invalidation the keys this process read or wrote per URL and when each URL was last
 * written. An entry stored before its URL's last write is stale here whoever stored it.
 */
export class StoreState {
  readonly adapter: StoreAdapter;
  readonly breaker: CircuitBreaker;
  private readonly keysByUrl = new LRUCache<string, Set<string>>({ max: REMEMBERED_URLS });
  private readonly writtenAt = new LRUCache<string, number>({ max: REMEMBERED_URLS });
  private clearedAt = 0;
  private warned = false;
  /** Our own memory store answers at once: no timer needed around it. */
  private readonly immediate: boolean;

  constructor(client: object, sync: SyncInstance) {
    this.adapter = storeAdapter(client);
    this.breaker = new CircuitBreaker(sync.cacheBreaker);
    this.immediate = isMemoryStore(client);
  }

  /** The entry under `key`, or undefined for a miss of any kind (absent, failed, slow, corrupt, stale). */
  async read(ctx: SyncContext, key: string, base: string): Promise<CacheEntry | undefined> {
    const raw = await this.attempt(ctx.sync, ctx, 'get', key, () => this.adapter.get(key));
    if (raw === undefined || raw === null) return undefined;
    const entry = decodeEntry(raw);
    if (!entry) {
      const error = cacheError(ctx, `corrupt cache entry under ${key}: not a version ${ENTRY_VERSION} entry`);
      this.report(ctx.sync, error, { operation: 'decode', key });
      void this.remove(ctx.sync, ctx, key);
      return undefined;
    }
    if (entry.storedAt <= this.staleBefore(base)) {
      void this.remove(ctx.sync, ctx, key);
      return undefined;
    }
    this.remember(base, key);
    return entry;
  }

  /** Stores `entry` unless `base` was written (or the cache cleared) since `fetchedAt`. */
  write(ctx: SyncContext, key: string, base: string, entry: string, ttlSeconds: number, fetchedAt: number): void {
    if (this.staleBefore(base) >= fetchedAt) return;
    this.remember(base, key);
    void this.attempt(ctx.sync, ctx, 'set', key, () => this.adapter.set(key, entry, ttlSeconds));
  }

  /** Everything cached for these URLs is stale from now on; the keys this process knows are deleted. */
  forget(
    sync: SyncInstance,
    ctx: SyncContext | undefined,
    bases: readonly string[],
    alsoDelete: readonly string[] = [],
  ): Promise<unknown> {
    const now = Date.now();
    const keys = new Set(alsoDelete);
    for (const base of bases) {
      this.writtenAt.set(base, now);
      const known = this.keysByUrl.get(base);
      if (known) for (const key of known) keys.add(key);
      this.keysByUrl.delete(base);
    }
    return Promise.all([...keys].map((key) => this.remove(sync, ctx, key)));
  }

  async clear(sync: SyncInstance): Promise<void> {
    this.clearedAt = Date.now();
    const keys: string[] = [];
    for (const known of this.keysByUrl.values()) keys.push(...known);
    this.keysByUrl.clear();
    if (this.adapter.clear) {
      await this.attempt(sync, undefined, 'delete', '*', this.adapter.clear);
      return;
    }
    await Promise.all(keys.map((key) => this.remove(sync, undefined, key)));
  }

  /** Keys remembered for `base` (for tests and invalidation). */
  keysOf(base: string): readonly string[] {
    return [...(this.keysByUrl.get(base) ?? [])];
  }

  remember(base: string, key: string): void {
    let keys = this.keysByUrl.get(base);
    if (!keys) this.keysByUrl.set(base, (keys = new Set()));
    if (keys.size < KEYS_PER_URL) keys.add(key);
  }

  /** Entries stored at or before this time are stale for `base`. */
  staleBefore(base: string): number {
    const written = this.writtenAt.get(base);
    return written === undefined || written < this.clearedAt ? this.clearedAt : written;
  }

  private remove(sync: SyncInstance, ctx: SyncContext | undefined, key: string): Promise<unknown> {
    const { delete: del } = this.adapter;
    if (!del) return Promise.resolve();
    return this.attempt(sync, ctx, 'delete', key, () => del(key));
  }

  /**
   * Runs one store operation behind the breaker and `cacheTimeout`; any failure is reported and
   * resolves to undefined, so the cache can never fail a call.
   */
  private async attempt<T>(
    sync: SyncInstance,
    ctx: SyncContext | undefined,
    operation: CacheErrorInfo['operation'],
    key: string,
    run: () => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.breaker.allow()) return undefined;
    try {
      if (!this.adapter.ready()) throw new Error('the cache client is not connected');
      const value = this.immediate ? await run() : await withTimeout(run, timeoutFor(sync, ctx));
      this.breaker.success();
      return value;
    } catch (cause) {
      const opened = this.breaker.failure();
      const message = `cache ${operation} failed: ${(cause as Error)?.message ?? String(cause)}`;
      const error = cacheError(ctx, opened ? `${message} (the cache is skipped for a while)` : message, cause);
      this.report(sync, error, { operation, key });
      return undefined;
    }
  }

  private report(sync: SyncInstance, error: SyncError, info: CacheErrorInfo): void {
    const hook = sync.onCacheError;
    if (hook) {
      try {
        hook(error, info);
      } catch {
        // A failing hook must not fail the call either.
      }
      return;
    }
    if (this.warned) return;
    this.warned = true;
    console.warn(
      `backbone-super-sync: ${error.message}; serving from the network. ` +
        'Further cache errors of this store are not logged: set onCacheError to see each one.',
    );
  }
}

const states = new WeakMap<object, StoreState>();

/** The state of `client`, made on first use. */
export function stateOf(client: object, sync: SyncInstance): StoreState {
  let state = states.get(client);
  if (!state) states.set(client, (state = new StoreState(client, sync)));
  return state;
}

/** The state of `client` if it was ever used. */
export function existingStateOf(client: object): StoreState | undefined {
  return states.get(client);
}

function timeoutFor(sync: SyncInstance, ctx: SyncContext | undefined): number {
  const limit = sync.cacheTimeout;
  if (!ctx || ctx.deadline === Infinity) return limit;
  return Math.max(0, Math.min(limit, ctx.deadline - Date.now()));
}

function withTimeout<T>(run: () => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms (cacheTimeout)`)), ms);
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function cacheError(ctx: SyncContext | undefined, message: string, cause?: unknown): SyncError {
  return new SyncError('ERR_CACHE', message, { method: ctx?.request.method, url: ctx?.request.url, cause });
}
