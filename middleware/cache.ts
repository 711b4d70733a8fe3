/** The cache step lives with the rest of the cache (lib/cache/): its keys, policy, entries, stores and fleet. */
export { cache } from '../lib/cache';
export type { CacheOutcome } from '../lib/cache';
