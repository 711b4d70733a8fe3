/** The built-in middleware factories: `import { timeout, headers } from 'backbone-super-sync/middleware'`. */
export { timeout } from './timeout';
export { headers } from './headers';
export { cache } from './cache';
export { parse } from './parse';
export { transport } from './transport';
