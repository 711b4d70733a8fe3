import { randomSecret, sha256Hex, utf8Length } from '../toolkit';
import { LRUCache } from 'lru-cache';
import type { FleetOptions, NearCacheOptions } from './options';
import type { FleetCommands } from './stores';

export type { FleetOptions, NearCacheOptions };

export const DEFAULT_FLEET: Readonly<FleetOptions> = {
  invalidation: true,
  lock: true,
  lease: 500,
  lockWait: 2000,
  generationTtl: 7 * 24 * 3600,
  earlyRefresh: true,
};

export const DEFAULT_NEAR_CACHE: Readonly<NearCacheOptions> = { max: 1000, maxBytes: 10 * 1024 * 1024, ttl: 5 };

/** The Redis keys of one read: all under the hash tag of its URL, so they share a Redis Cluster slot. */
export interface FleetKeys {
  tag: string;
  entry: string;
  generation: string;
  lock: string;
}

/**
 * `{tag}` is a hash of the URL without query: a read's entry, its URL's generation and its lease share it,
 * so `MGET entry generation` is one round trip on one node, and a write's `INCR` reaches every variant.
 */
export function fleetKeys(prefix: string, base: string, readKey: string): FleetKeys {
  const tag = sha256Hex(base).slice(0, 24);
  const own = readKey.startsWith(prefix) ? readKey.slice(prefix.length) : readKey;
  return {
    tag,
    entry: `${prefix}{${tag}}:${own}`,
    generation: `${prefix}{${tag}}:generation`,
    lock: `${prefix}{${tag}}:lock:${own}`,
  };
}

export function generationKey(prefix: string, base: string): { tag: string; key: string } {
  const tag = sha256Hex(base).slice(0, 24);
  return { tag, key: `${prefix}{${tag}}:generation` };
}

// One key per script (so each runs on the node of that key's slot); each does what must not interleave.
export const BUMP_SCRIPT = "local g = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return g";
const RENEW_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** A lease this process holds on one key's fetch; renewed until released. */
export class Lease {
  private timer: ReturnType<typeof setInterval> | undefined;
  private released = false;

  constructor(
    private readonly commands: FleetCommands,
    private readonly key: string,
    private readonly token: string,
    ms: number,
  ) {
    // Renewed at a third of its length, so one lost renewal does not lose the lease.
    this.timer = setInterval(
      () => {
        commands.eval(RENEW_SCRIPT, [key], [token, String(ms)]).catch(() => {});
      },
      Math.max(1, Math.floor(ms / 3)),
    );
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Compare-and-delete: a lease that expired and went to another process is not taken from it. */
  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.commands.eval(RELEASE_SCRIPT, [this.key], [this.token]).catch(() => {});
  }
}

/** Takes the lease of `key` for `ms`, or says it is 'held' by another process. */
export async function tryLease(commands: FleetCommands, key: string, ms: number): Promise<Lease | 'held'> {
  const token = randomSecret().slice(0, 32);
  return (await commands.setIfAbsent(key, token, ms)) ? new Lease(commands, key, token, ms) : 'held';
}

/** Near-cache entries: the raw entry text and the generation it was read under. */
interface NearEntry {
  raw: string;
  generation: number;
}

/**
 * The in-process tier: raw entries by key, dropped per URL tag when any process invalidates the URL (a
 * message on the store's channel), and after a short TTL in any case (the bound when messages are lost).
 */
export class NearCache {
  private readonly entries: LRUCache<string, NearEntry>;
  private readonly byTag = new Map<string, Set<string>>();

  constructor(options: NearCacheOptions) {
    this.entries = new LRUCache<string, NearEntry>({
      max: options.max,
      maxSize: options.maxBytes,
      ttl: options.ttl * 1000,
      sizeCalculation: (entry, key) => utf8Length(entry.raw) + utf8Length(key) + 64,
      dispose: (_entry, key) => this.unlink(key),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): NearEntry | undefined {
    return this.entries.get(key);
  }

  set(tag: string, key: string, raw: string, generation: number): void {
    this.entries.set(key, { raw, generation });
    let keys = this.byTag.get(tag);
    if (!keys) this.byTag.set(tag, (keys = new Set()));
    keys.add(key);
  }

  dropTag(tag: string): void {
    const keys = this.byTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) this.entries.delete(key);
    this.byTag.delete(tag);
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
  }

  private unlink(key: string): void {
    const at = key.indexOf('{');
    const tag = key.slice(at + 1, key.indexOf('}', at));
    const keys = this.byTag.get(tag);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byTag.delete(tag);
  }
}
