// The cache module: its step, its configuration keys and `sync.cache`, registered through the public toolkit
// as any module's would be. The core knows none of it.
import { defineInstanceApi } from '../toolkit';
import './config';
import { cacheControl, inheritCache } from './instance';

defineInstanceApi('cache', { step: 'cache', create: cacheControl, inherit: inheritCache });

export { cache } from './step';
export type { CacheOutcome } from './step';
