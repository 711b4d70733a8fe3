import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root (the package). */
export const ROOT = path.resolve(__dirname, '../..');
const BUILT_ENTRY = path.join(ROOT, 'dist/cjs/lib/cjs.js');

/**
 * The browser and package suites test the built dist/, as users get it: fail clearly when it is
 * missing or older than a source file instead of testing a stale build.
 */
export function assertFreshBuild(): void {
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error("dist/ is missing: run `npm run build` first (`npm test` and the suites' npm scripts do)");
  }
  const built = statSync(BUILT_ENTRY).mtimeMs;
  for (const folder of ['lib', 'middleware']) {
    for (const file of readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts') && statSync(path.join(ROOT, folder, file)).mtimeMs > built) {
        throw new Error(`dist/ is older than ${folder}/${file}: run \`npm run build\` first`);
      }
    }
  }
}
