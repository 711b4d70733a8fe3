import { utf8Length } from '../toolkit';
import { LRUCache } from 'lru-cache';
import type { CacheStore } from '../types';

export interface MemoryStoreOptions {
  /** Most entries kept; the least recently used go first. @default 1000 */
  max?: number;
  /** Most bytes kept (keys and values, UTF-8). @default 52428800 (50 MB) */
  maxBytes?: number;
}

/** The in-process store, as `memoryStore()` returns it: a `CacheStore` that can also be emptied. */
export interface MemoryStore extends CacheStore {
  delete(key: string): Promise<boolean>;
  clear(): Promise<void>;
  /** Entries held now. */
  readonly size: number;
  /** Bytes held now (keys and values). */
  readonly bytes: number;
}

/**
 * An LRU store in this process's memory (lru-cache), bounded by entries and bytes; entries expire
 * after their TTL (fractions of a second allowed). The default store. Each process has its own:
 * several processes (cluster, PM2, containers) should share a Redis instead.
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  if (options === null || typeof options !== 'object') throw new TypeError('memoryStore() takes an options object');
  const { max = 1000, maxBytes = 50 * 1024 * 1024 } = options;
  if (!(Number.isSafeInteger(max) && max > 0))
    throw new TypeError(`memoryStore max must be a positive integer, got ${String(max)}`);
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    throw new TypeError(`memoryStore maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  const listeners: Array<(key: string) => void> = [];
  const lru = new LRUCache<string, string>({
    max,
    maxSize: maxBytes,
    sizeCalculation: (value, key) => utf8Length(value) + utf8Length(key),
    // The cache's key index follows what the store lets go of, so it never outgrows it.
    dispose: (_value, key, reason) => {
      if (reason === 'evict' || reason === 'expire') for (const listener of listeners) listener(key);
    },
  });
  const store: MemoryStore = {
    get(key) {
      return Promise.resolve(lru.get(key));
    },
    set(key, value, ttlSeconds) {
      // An entry larger than maxBytes is refused by lru-cache (not stored), as an over-size entry should be.
      if (ttlSeconds > 0) lru.set(key, value, { ttl: Math.ceil(ttlSeconds * 1000) });
      else lru.delete(key);
      return Promise.resolve();
    },
    delete(key) {
      return Promise.resolve(lru.delete(key));
    },
    clear() {
      lru.clear();
      return Promise.resolve();
    },
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
  };
  memoryStores.set(store, listeners);
  return store;
}

const memoryStores = new WeakMap<object, Array<(key: string) => void>>();

/** Calls `listener` with each key `store` (made by `memoryStore()`) evicts or expires. */
export function onEviction(store: object, listener: (key: string) => void): void {
  memoryStores.get(store)?.push(listener);
}

/** True for a store made by `memoryStore()`: it answers at once, so no timer guards it. */
export function isMemoryStore(client: unknown): boolean {
  return typeof client === 'object' && client !== null && memoryStores.has(client);
}
