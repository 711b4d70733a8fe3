import { LRUCache } from 'lru-cache';

/** Bytes of key and URL text the index may hold, whatever the store holds. */
export const DEFAULT_INDEX_BYTES = 4 * 1024 * 1024;
// Per remembered key: the Map and Set slots and the LRU node, roughly, on top of the strings.
const OVERHEAD_BYTES = 96;

/**
 * The cache keys this process read or wrote, per URL (without query): what a write to the URL deletes.
 * Bounded in bytes (least recently used keys forgotten first) and told when the store evicts a key, so
 * it never outgrows the store it indexes. A forgotten key is not a stale answer: the URL's generation
 * (see StoreState) still makes it a miss; only the delete is skipped.
 */
export class KeyIndex {
  private readonly byUrl = new Map<string, Set<string>>();
  private readonly keys: LRUCache<string, string>;

  constructor(maxBytes = DEFAULT_INDEX_BYTES) {
    this.keys = new LRUCache<string, string>({
      maxSize: maxBytes,
      sizeCalculation: (base, key) => (key.length + base.length) * 2 + OVERHEAD_BYTES,
      dispose: (base, key) => this.unlink(base, key),
    });
  }

  /** Keys held now (for tests and the soak). */
  get size(): number {
    return this.keys.size;
  }

  add(base: string, key: string): void {
    if (this.keys.get(key) === base) return;
    this.keys.set(key, base);
    let keys = this.byUrl.get(base);
    if (!keys) this.byUrl.set(base, (keys = new Set()));
    keys.add(key);
  }

  /** The store dropped `key`: nothing to delete for it any more. */
  drop(key: string): void {
    this.keys.delete(key);
  }

  /** The keys of `base`, forgotten as they are handed out. */
  take(base: string): string[] {
    const keys = this.byUrl.get(base);
    if (!keys) return [];
    const taken = [...keys];
    for (const key of taken) this.keys.delete(key);
    return taken;
  }

  keysOf(base: string): readonly string[] {
    return [...(this.byUrl.get(base) ?? [])];
  }

  /** Every key, forgotten as handed out. */
  takeAll(): string[] {
    const all = [...this.keys.keys()];
    this.keys.clear();
    return all;
  }

  private unlink(base: string, key: string): void {
    const keys = this.byUrl.get(base);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byUrl.delete(base);
  }
}
