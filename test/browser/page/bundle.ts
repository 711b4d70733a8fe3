import { mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { assertFreshBuild, ROOT } from '../../helpers/built-package';

export interface PageBundle {
  js: string;
  /** The files esbuild put in the bundle, relative to the repository (node_modules paths included). */
  inputs: string[];
}

/**
 * Bundles the test page as an app would: `import ... from 'backbone-super-sync'` resolved through a
 * node_modules link to this repository, so esbuild reads the package's `exports` and `browser`
 * field and bundles the built dist/, not the sources.
 */
export async function bundlePage(): Promise<PageBundle> {
  assertFreshBuild();
  const modules = path.join(mkdtempSync(path.join(tmpdir(), 'bss-page-')), 'node_modules');
  mkdirSync(modules);
  symlinkSync(ROOT, path.join(modules, 'backbone-super-sync'), 'dir');
  const result = await build({
    entryPoints: [path.join(__dirname, 'entry.ts')],
    absWorkingDir: ROOT,
    nodePaths: [modules],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // The repository's tsconfig maps the package name to the sources for type checking; the
    // bundle must take the published path instead.
    tsconfigRaw: {},
  });
  return { js: result.outputFiles[0].text, inputs: inputsOf(result.metafile) };
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).map((input) => path.relative(ROOT, path.resolve(ROOT, input)));
}
