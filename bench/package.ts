/**
 * The package as users install it: the tsc build in dist/ (`npm run bench` and `npm run soak` build
 * it first). Running the TypeScript sources through tsx would measure esbuild's keepNames wrapper,
 * which renames every closure made per call (about 2 µs per call here); the build has none.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Lib from '../lib/index';
import type * as Runtime from '../lib/runtime';

const dist = path.join(__dirname, '..', 'dist', 'cjs', 'lib');
if (!existsSync(path.join(dist, 'index.js'))) {
  throw new Error('dist/ is missing: run `npm run build` first (npm run bench and npm run soak do)');
}

export const lib: typeof Lib = require(path.join(dist, 'index.js'));
/** The shared keep-alive agents live here; the benchmarks destroy them so the process can exit. */
export const runtime: typeof Runtime = require(path.join(dist, 'runtime.js'));
export const { createSync } = lib;
