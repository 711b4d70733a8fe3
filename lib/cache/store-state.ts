import { randomSecret, SyncError } from '../toolkit';
import { LRUCache } from 'lru-cache';
import type { CacheErrorInfo, SyncContext, SyncInstance } from '../types';
import { CircuitBreaker } from './breaker';
import { decodeStored, ENTRY_VERSION, type CacheEntry } from './entry';
import {
  BUMP_SCRIPT,
  generationKey,
  NearCache,
  tryLease,
  type FleetKeys,
  type FleetOptions,
  type Lease,
} from './fleet';
import { KeyIndex } from './key-index';
import { isMemoryStore, onEviction } from './memory-store';
import { storeAdapter, type StoreAdapter } from './stores';

/** The `origin` of entries judged by their URL's generation in Redis, whoever stored them. */
export const FLEET_ORIGIN = 'fleet';

/** The channel near caches hear invalidations on. */
function channelOf(sync: SyncInstance): string {
  return `${sync.cachePrefix}invalidations`;
}

/** URLs whose last write is remembered (least recently used forgotten first: see `forgotten`). */
const REMEMBERED_URLS = 10_000;

/** The URL without query or fragment: the unit of invalidation (`/items` covers `/items?page=2`). */
export function urlBase(url: string): string {
  const at = url.search(/[?#]/);
  return at === -1 ? url : url.slice(0, at);
}

/** When a URL was last written: this process's generation count then, and the wall clock for other processes' entries. */
interface LastWrite {
  generation: number;
  at: number;
}

/**
 * What the cache knows of one store, shared by every instance that uses it: its adapter, its circuit
 * breaker, the keys this process read or wrote per URL, and when each URL was last written.
 *
 * Writes are ordered by a generation counter, not by clock: a write (or `invalidate`) takes the next
 * generation for its URLs; a read remembers the generation it started under, and its answer is stored
 * (and later served) only while no write to the URL came after it, however close in time. Entries other
 * processes stored carry their own counter, so for those the wall clock of the write still decides.
 */
export class StoreState {
  readonly adapter: StoreAdapter;
  readonly breaker: CircuitBreaker;
  /** Tells this process's entries from other processes' (each counts its own generations). */
  readonly origin = randomSecret().slice(0, 16);
  readonly index = new KeyIndex();
  private generation = 0;
  private readonly lastWrites: LRUCache<string, LastWrite>;
  /** The newest write whose URL was forgotten (or the last clear): anything older is judged by it. */
  private forgotten: LastWrite = { generation: 0, at: 0 };
  private warned = false;
  private near: NearCache | undefined;
  private unsubscribe: Promise<() => Promise<void>> | undefined;
  /** Our own memory store answers at once: no timer needed around it. */
  private readonly immediate: boolean;

  constructor(client: object, sync: SyncInstance) {
    this.adapter = storeAdapter(client);
    this.breaker = new CircuitBreaker(sync.cacheBreaker);
    this.immediate = isMemoryStore(client);
    if (this.immediate) onEviction(client, (key) => this.index.drop(key));
    this.lastWrites = new LRUCache<string, LastWrite>({
      max: REMEMBERED_URLS,
      // A URL whose write is forgotten must not make its older entries look current again.
      dispose: (write, _base, reason) => {
        if (reason === 'evict' && write.generation > this.forgotten.generation) this.forgotten = write;
      },
    });
  }

  /** The generation a read starting now fetches under. */
  currentGeneration(): number {
    return this.generation;
  }

  /** The entry under `key`, or undefined for a miss of any kind (absent, failed, slow, corrupt, invalidated). */
  async read(ctx: SyncContext, key: string, base: string): Promise<CacheEntry | undefined> {
    const raw = await this.attempt(ctx.sync, ctx, 'get', key, () => this.adapter.get(key));
    if (raw === undefined || raw === null) return undefined;
    const entry = decodeStored(key, raw);
    if (!entry) {
      const error = cacheError(ctx, `corrupt cache entry under ${key}: not a version ${ENTRY_VERSION} entry`);
      this.report(ctx.sync, error, { operation: 'decode', key });
      void this.remove(ctx.sync, ctx, key);
      return undefined;
    }
    if (this.invalidated(entry, base)) {
      void this.remove(ctx.sync, ctx, key);
      return undefined;
    }
    this.index.add(base, key);
    return entry;
  }

  /**
   * Issues the store command now (not awaited: a slow store costs the caller nothing, and a read issued
   * after this, from a callback, finds the entry), unless `base` was written since `generation`.
   */
  write(ctx: SyncContext, key: string, base: string, entry: string, ttlSeconds: number, generation: number): void {
    if (this.lastWriteOf(base).generation > generation) return;
    this.index.add(base, key);
    void this.attempt(ctx.sync, ctx, 'set', key, () => this.adapter.set(key, entry, ttlSeconds));
  }

  /** The generation of the last write to `base` that this process knows of. */
  generationOf(base: string): number {
    return this.lastWriteOf(base).generation;
  }

  /** Stores an entry a snapshot brought (`sync.cache.hydrate()`): no call is behind it. */
  writeHydrated(sync: SyncInstance, key: string, base: string, entry: string, ttlSeconds: number): Promise<unknown> {
    this.index.add(base, key);
    return this.attempt(sync, undefined, 'set', key, () => this.adapter.set(key, entry, ttlSeconds));
  }

  /** Whether an answer fetched under `generation` may still be stored. */
  current(base: string, generation: number): boolean {
    return this.lastWriteOf(base).generation <= generation;
  }

  /** Everything cached for these URLs is stale from now on; the keys this process knows are deleted. */
  forget(
    sync: SyncInstance,
    ctx: SyncContext | undefined,
    bases: readonly string[],
    alsoDelete: readonly string[] = [],
    skipFleet = false,
  ): Promise<unknown> {
    const write: LastWrite = { generation: ++this.generation, at: Date.now() };
    const keys = new Set(alsoDelete);
    for (const base of bases) {
      this.lastWrites.set(base, write);
      for (const key of this.index.take(base)) keys.add(key);
    }
    return Promise.all([
      skipFleet ? undefined : this.bumpFleet(sync, ctx, bases),
      ...[...keys].map((key) => this.remove(sync, ctx, key)),
    ]);
  }

  async clear(sync: SyncInstance): Promise<void> {
    this.forgotten = { generation: ++this.generation, at: Date.now() };
    this.lastWrites.clear();
    const keys = this.index.takeAll();
    if (this.adapter.clear) {
      await this.attempt(sync, undefined, 'delete', '*', this.adapter.clear);
      return;
    }
    await Promise.all(keys.map((key) => this.remove(sync, undefined, key)));
  }

  /**
   * The fleet options of a read of `sync` through this store, or undefined: the store is not shared (no
   * Redis), the instance turned fleet invalidation off, or a custom `cacheKey` names keys we cannot tag.
   */
  fleetOf(ctx: SyncContext): FleetOptions | undefined {
    const options = ctx.sync.cacheFleet;
    if (!this.adapter.fleet || options === false || !options.invalidation) return undefined;
    if (ctx.options.cacheKey !== undefined || ctx.sync.cacheKey) return undefined;
    return options;
  }

  /**
   * A fleet read: the entry and its URL's generation in one round trip (`MGET`, one hash tag), the near
   * cache first when there is one. An entry fetched under an older generation (a write since, through any
   * process) is no entry. `generation` is -1 when Redis could not say (nothing is stored then).
   */
  async readFleet(
    ctx: SyncContext,
    keys: FleetKeys,
    base: string,
  ): Promise<{ entry?: CacheEntry; generation: number }> {
    const near = this.nearOf(ctx.sync);
    const known = near?.get(keys.entry);
    if (known) {
      const entry = decodeStored(keys.entry, known.raw);
      if (entry) return { entry, generation: known.generation };
    }
    const fleet = this.adapter.fleet!;
    const values = await this.attempt(ctx.sync, ctx, 'get', keys.entry, () =>
      fleet.mget([keys.entry, keys.generation]),
    );
    if (!values) return { generation: -1 };
    const [raw, counted] = values;
    const generation = counted == null ? 0 : Number(counted);
    if (raw === undefined || raw === null) return { generation };
    const entry = decodeStored(keys.entry, raw);
    if (!entry) {
      const error = cacheError(ctx, `corrupt cache entry under ${keys.entry}: not a version ${ENTRY_VERSION} entry`);
      this.report(ctx.sync, error, { operation: 'decode', key: keys.entry });
      void this.remove(ctx.sync, ctx, keys.entry);
      return { generation };
    }
    if (entry.origin !== FLEET_ORIGIN || entry.generation !== generation) return { generation };
    near?.set(keys.tag, keys.entry, raw, generation);
    this.index.add(base, keys.entry);
    return { entry, generation };
  }

  /** Stores a fleet entry (never outliving its URL's generation), in the near cache too. */
  writeFleet(
    ctx: SyncContext,
    keys: FleetKeys,
    base: string,
    entry: string,
    ttlSeconds: number,
    generation: number,
  ): void {
    const options = ctx.sync.cacheFleet;
    if (generation < 0 || options === false) return;
    const ttl = Math.min(ttlSeconds, options.generationTtl);
    this.index.add(base, keys.entry);
    this.nearOf(ctx.sync)?.set(keys.tag, keys.entry, entry, generation);
    void this.attempt(ctx.sync, ctx, 'set', keys.entry, () => this.adapter.set(keys.entry, entry, ttl));
  }

  /**
   * Moves the generation of each URL on, for every process (`INCR` per URL, each on its own slot), and tells
   * the near caches. Issued now: a read made after this returns (from a callback) sees the new generation.
   */
  bumpFleet(sync: SyncInstance, ctx: SyncContext | undefined, bases: readonly string[]): Promise<unknown> {
    const fleet = this.adapter.fleet;
    const options = sync.cacheFleet;
    if (!fleet || options === false || !options.invalidation) return Promise.resolve();
    const near = this.near;
    return Promise.all(
      bases.map((base) => {
        const { tag, key } = generationKey(sync.cachePrefix, base);
        near?.dropTag(tag);
        const ttl = String(Math.ceil(options.generationTtl));
        const bumped = this.attempt(sync, ctx, 'set', key, () => fleet.eval(BUMP_SCRIPT, [key], [ttl]));
        // Other processes' near caches listen whether or not this one has a near cache.
        const published = this.attempt(sync, ctx, 'set', key, () => fleet.publish(channelOf(sync), tag));
        return Promise.all([bumped, published]);
      }),
    );
  }

  /**
   * The lease of a cold key: 'held' by another process, a Lease of ours, or undefined when Redis failed or
   * did not answer within `cacheTimeout` (fail open: the caller fetches itself). A lease taken by a command
   * that timed out here lapses on its own after `ms`.
   */
  lease(ctx: SyncContext, keys: FleetKeys, ms: number): Promise<Lease | 'held' | undefined> {
    const fleet = this.adapter.fleet!;
    return this.attempt(ctx.sync, ctx, 'set', keys.lock, () => tryLease(fleet, keys.lock, ms));
  }

  /** Stops listening for invalidations (the near cache's connection). */
  async close(): Promise<void> {
    const stop = this.unsubscribe;
    this.unsubscribe = undefined;
    this.near?.clear();
    this.near = undefined;
    if (stop) await (await stop.catch(() => undefined))?.();
  }

  /** Entries this process keeps in its near cache now (for tests and the bench). */
  get nearSize(): number {
    return this.near?.size ?? 0;
  }

  private nearOf(sync: SyncInstance): NearCache | undefined {
    if (this.near || sync.nearCache === false || !this.adapter.fleet) return this.near;
    this.near = new NearCache(sync.nearCache);
    const near = this.near;
    this.unsubscribe = this.adapter.fleet.subscribe(channelOf(sync), (tag) => near.dropTag(tag));
    this.unsubscribe.catch((cause: unknown) => {
      const error = cacheError(
        undefined,
        `near cache: invalidation messages are not received (${(cause as Error)?.message ?? String(cause)}); ` +
          `entries expire after ${sync.nearCache === false ? 0 : sync.nearCache.ttl}s instead`,
        cause,
      );
      this.report(sync, error, { operation: 'get', key: channelOf(sync) });
    });
    return near;
  }

  /** Keys remembered for `base` (for tests and invalidation). */
  keysOf(base: string): readonly string[] {
    return this.index.keysOf(base);
  }

  private lastWriteOf(base: string): LastWrite {
    const write = this.lastWrites.get(base);
    return write === undefined || write.generation < this.forgotten.generation ? this.forgotten : write;
  }

  private invalidated(entry: CacheEntry, base: string): boolean {
    const write = this.lastWriteOf(base);
    if (entry.origin === this.origin) return entry.generation < write.generation;
    return write.at !== 0 && entry.storedAt <= write.at;
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
      const opened = this.breaker.failure(sync.cacheBreaker);
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
