// The cache's option and snapshot types are part of the public contract, in lib/types.ts.
export type { CacheSnapshot, FleetOptions, NearCacheOptions, SnapshotOptions } from '../types';
