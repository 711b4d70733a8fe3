import { createSync } from './create-sync';
import * as middleware from '../middleware/index';

/** The default instance: `Backbone.sync = require('backbone-super-sync')`. */
const superSync = createSync();
export default superSync;

export { createSync, middleware };
export { SyncError } from './errors';
export type { SyncErrorCode, FailureTextStatus } from './errors';
export { SyncHandle } from './handle';
export { legacyCacheKey } from './request-key';
export { memoryStore } from './cache/memory-store';
export type { MemoryStore, MemoryStoreOptions } from './cache/memory-store';
export type * from './types';
