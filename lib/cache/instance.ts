import { InFlight, wireUrl } from '../toolkit';
import type { CacheControl, SyncInstance } from '../types';
import type { CacheEntry } from './entry';
import { plainReadKey } from './keys';
import { memoryStore, type MemoryStore } from './memory-store';
import { hydratedEntries, takeSnapshot, type SnapshotOptions } from './snapshot';
import { existingStateOf, stateOf, urlBase, type StoreState } from './store-state';

/** A miss's answer as every caller that waited for it may copy it. */
export interface SharedResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
  body: unknown;
  /** The leader's body is parsed JSON of `text` (so followers may parse `text` again). */
  parsedAsJSON: boolean;
  /** The entry every caller answers from: one a 304 confirmed, or one another process fetched. */
  entry: CacheEntry | undefined;
  /** How `entry` came: 'revalidated' or 'shared'. */
  entryOutcome: 'revalidated' | 'shared';
  /** The entry this answer was stored as, if it was: decoded once, for every caller to record (snapshots). */
  stored: CacheEntry | undefined;
}

interface InstanceCache {
  /** Coalesced misses of this instance's calls (the steps inside `cache` are the instance's own). */
  readonly misses: InFlight<SharedResponse>;
  defaultStore: MemoryStore | undefined;
}

const caches = new WeakMap<SyncInstance, InstanceCache>();
const parents = new WeakMap<SyncInstance, SyncInstance>();

function cacheOf(sync: SyncInstance): InstanceCache {
  let cache = caches.get(sync);
  if (!cache) caches.set(sync, (cache = { misses: new InFlight(), defaultStore: undefined }));
  return cache;
}

/** `child` (made by `extend()`) uses the same default memory store as `parent`. */
export function inheritCache(parent: SyncInstance, child: SyncInstance): void {
  parents.set(child, parent);
}

/** The store of `sync`'s reads: `cacheClient`, else its memory store (its root parent's, made on first use). */
export function storeOf(sync: SyncInstance): object {
  if (sync.cacheClient != null) return sync.cacheClient as object;
  const cache = cacheOf(rootOf(sync));
  return (cache.defaultStore ??= memoryStore());
}

/** The store's state, or undefined when `sync` has nothing cached yet (no client and no memory store made). */
export function usedStateOf(sync: SyncInstance): StoreState | undefined {
  if (sync.cacheClient != null) return stateOf(sync.cacheClient as object, sync);
  const store = caches.get(rootOf(sync))?.defaultStore;
  return store ? existingStateOf(store) : undefined;
}

/** The instance `sync` was extended from, first of all: the owner of the shared memory store. */
function rootOf(sync: SyncInstance): SyncInstance {
  let root = sync;
  for (let parent = parents.get(root); parent; parent = parents.get(root)) root = parent;
  return root;
}

export function missesOf(sync: SyncInstance): InFlight<SharedResponse> {
  return cacheOf(sync).misses;
}

/** `sync.cache`: bound to its own instance, so an `extend()` child's acts on the child's store. */
export function cacheControl(sync: SyncInstance): CacheControl {
  return {
    async invalidate(url: string) {
      if (typeof url !== 'string' || url === '') throw new TypeError('sync.cache.invalidate(url) needs a URL string');
      const state = usedStateOf(sync);
      if (!state) return;
      const base = urlBase(wireUrl({ url, query: undefined }));
      const guessed = plainReadKey(sync, base);
      await state.forget(sync, undefined, [base], guessed === undefined ? [] : [guessed]);
    },
    async clear() {
      await usedStateOf(sync)?.clear(sync);
    },
    async close() {
      await usedStateOf(sync)?.close();
    },
    snapshot(options?: SnapshotOptions) {
      return takeSnapshot(sync, options);
    },
    async hydrate(snapshot: unknown) {
      const state = stateOf(storeOf(sync), sync);
      const entries = hydratedEntries(sync, snapshot, { generation: state.currentGeneration(), origin: state.origin });
      await Promise.all(
        entries.map(({ key, url, entry, ttlSeconds }) =>
          state.writeHydrated(sync, key, urlBase(url), entry, ttlSeconds),
        ),
      );
      return entries.length;
    },
  };
}
