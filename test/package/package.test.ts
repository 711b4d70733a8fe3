/**
 * The published package as users get it: `npm pack` the built dist/, install the tarball into a
 * fresh project (with Backbone 1.4, 1.5 and 1.6 side by side under npm aliases), then use it there
 * with require, Node ESM and TypeScript. `npm run test:package` (and `npm test`) build dist/ first.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BooksApi } from '../helpers/books-api';
import { assertFreshBuild, ROOT } from '../helpers/built-package';

const run = promisify(execFile);
const FIXTURES = path.join(__dirname, 'fixtures');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

// `npm run` exports npm_* settings (the repository's prefix among them) that must not steer the
// npm and node processes started inside the temporary project.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function exec(file: string, args: string[], cwd: string) {
  return run(file, args, { cwd, env: cleanEnv, maxBuffer: 16 * 1024 * 1024 });
}

async function node(cwd: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await exec(process.execPath, args, cwd);
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function tsc(cwd: string, project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await exec(process.execPath, [TSC, '--noEmit', '-p', project], cwd);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

let work: string;
let app: string;
let packedFiles: string[];

beforeAll(async () => {
  assertFreshBuild();
  work = mkdtempSync(path.join(tmpdir(), 'bss-package-'));
  // --ignore-scripts: dist/ is already built, and `prepack` rebuilding it would race other suites reading it.
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packedFiles = packed.files.map((file) => file.path).sort();

  app = path.join(work, 'app');
  mkdirSync(app);
  const backbone = require('backbone/package.json').version as string;
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: {
        'backbone-super-sync': `file:../${packed.filename}`,
        backbone: `~${backbone}`,
        'backbone-1.4': 'npm:backbone@~1.4.1',
        'backbone-1.5': 'npm:backbone@~1.5.0',
        underscore: `^${require('underscore/package.json').version}`,
      },
    }),
  );
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  for (const file of readdirSync(FIXTURES)) copyFileSync(path.join(FIXTURES, file), path.join(app, file));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds dist/ (CommonJS, ES module wrappers, types), README, LICENSE and package.json only', () => {
    const unexpected = packedFiles.filter(
      (file) =>
        !/^(package\.json|README\.md|LICENSE|dist\/cjs\/.+\.js|dist\/types\/.+\.d\.ts|dist\/esm\/.+\.(mjs|d\.mts))$/.test(
          file,
        ),
    );
    expect(unexpected).toEqual([]);
    expect(packedFiles.filter((file) => file.startsWith('dist/esm/'))).toEqual([
      'dist/esm/index.d.mts',
      'dist/esm/index.mjs',
      'dist/esm/middleware.mjs',
      'dist/esm/testing.mjs',
    ]);
    // Every source file ships compiled, with its types, and nothing else from the repository does.
    const sources = ['lib', 'middleware'].flatMap((folder) =>
      readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${folder}/${file.slice(0, -3)}`),
    );
    expect(packedFiles.filter((file) => file.startsWith('dist/cjs/'))).toEqual(
      sources.map((source) => `dist/cjs/${source}.js`).sort(),
    );
    expect(packedFiles.filter((file) => file.startsWith('dist/types/'))).toEqual(
      sources.map((source) => `dist/types/${source}.d.ts`).sort(),
    );
    expect(packedFiles).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
  });
});

describe('installed in a fresh project', () => {
  it("require('backbone-super-sync') is the sync function, with createSync and the middleware entry", async () => {
    const script = `
      const superSync = require('backbone-super-sync');
      const middleware = require('backbone-super-sync/middleware');
      console.log(JSON.stringify({
        type: typeof superSync,
        createSync: typeof superSync.createSync,
        SyncError: typeof superSync.SyncError,
        steps: superSync.steps(),
        middleware: Object.keys(middleware).sort(),
        sameMiddleware: superSync.middleware.timeout === middleware.timeout,
        resolved: require.resolve('backbone-super-sync'),
      }));`;
    const result = await node(app, '-e', script);
    expect(result).toEqual({
      type: 'function',
      createSync: 'function',
      SyncError: 'function',
      steps: ['timeout', 'headers', 'cache', 'parse', 'transport'],
      middleware: expect.arrayContaining(['cache', 'headers', 'parse', 'timeout', 'transport']),
      sameMiddleware: true,
      resolved: path.join(app, 'node_modules/backbone-super-sync/dist/cjs/lib/cjs.js'),
    });
  });

  it('imports under Node ESM as the same objects require returns', async () => {
    const result = await node(app, 'esm-check.mjs');
    expect(result).toEqual({
      defaultIsRequire: true,
      defaultIsFunction: true,
      sameCreateSync: true,
      sameSyncError: true,
      sameSyncHandle: true,
      timeoutSeenByRequire: 4321,
      middlewareNames: expect.arrayContaining(['cache', 'headers', 'parse', 'timeout', 'transport']),
      sameMiddleware: true,
      steps: ['timeout', 'headers', 'cache', 'parse', 'transport'],
      error: { isError: true, name: 'SyncError', code: 'ERR_HTTP', status: 404 },
    });
  });

  describe('TypeScript consumers compile against the installed types', () => {
    const resolutions = [
      { module: 'nodenext', moduleResolution: 'nodenext', file: 'consumer.mts' },
      { module: 'nodenext', moduleResolution: 'nodenext', file: 'consumer.ts' },
      { module: 'esnext', moduleResolution: 'bundler', file: 'consumer.ts' },
      { module: 'commonjs', moduleResolution: 'node10', file: 'consumer.ts' },
    ];

    function project(name: string, options: Record<string, string>, file: string, lib = ['ES2022', 'DOM']) {
      const config = {
        compilerOptions: { ...options, target: 'ES2022', lib, strict: true, types: [], noEmit: true },
        files: [file],
      };
      writeFileSync(path.join(app, name), JSON.stringify(config));
      return name;
    }

    it.each(resolutions)('module $module, moduleResolution $moduleResolution ($file)', async (resolution) => {
      const { file, ...options } = resolution;
      if (file !== 'consumer.ts') copyFileSync(path.join(app, 'consumer.ts'), path.join(app, file));
      // A browser app's setup: DOM types and no @types/node.
      const name = project(`tsconfig.${options.moduleResolution}.${file}.json`, options, file);
      const { code, output } = await tsc(app, name);
      expect(output).toBe('');
      expect(code).toBe(0);
    });

    it('and a wrong config or middleware fails to compile there (the check is real)', async () => {
      writeFileSync(
        path.join(app, 'wrong.ts'),
        [
          "import { createSync, type Middleware } from 'backbone-super-sync';",
          "createSync({ timeout: 'soon' });",
          'const step: Middleware = async (ctx, next) => { ctx.request.verb = "GET"; await next(); };',
          'export { step };',
        ].join('\n'),
      );
      const name = project('tsconfig.wrong.json', { module: 'nodenext', moduleResolution: 'nodenext' }, 'wrong.ts');
      const { code, output } = await tsc(app, name);
      expect(code).not.toBe(0);
      expect(output).toMatch(/wrong\.ts\(2,\d+\): error TS2322/);
      expect(output).toMatch(/wrong\.ts\(3,\d+\): error TS2339: Property 'verb' does not exist/);
    });
  });

  describe('with Backbone 1.4, 1.5 and 1.6 side by side', () => {
    let api: BooksApi;
    beforeAll(async () => {
      api = await BooksApi.start();
    });
    afterAll(() => api.close());

    it.each([
      ['backbone-1.4', /^1\.4\./],
      ['backbone-1.5', /^1\.5\./],
      ['backbone', /^1\.6\./],
    ])('%s: fetch, save, patch, destroy and a collection fetch', async (module, version) => {
      api.reset();
      api.requests.length = 0;
      const result = await node(app, 'flow.cjs', module, api.origin);
      const id = result.id as number;
      expect(result.version).toMatch(version);
      expect(result.fetched).toEqual({ id: 1, title: 'Dune', author: 'Herbert' });
      expect(result.patched).toEqual({ id, title: 'Hyperion', year: 1989 });
      expect(result.titles).toEqual(['Dune', 'Solaris']);
      expect(result.notFound).toEqual({ status: 404, body: { error: 'not found', id: 999 } });
      // Backbone's own bookkeeping event 'changeId' differs between versions (1.6 stopped firing it for an unchanged id).
      expect((result.events as string[]).filter((name) => name !== 'changeId')).toEqual([
        'request',
        'change:id',
        'change',
        'sync',
        'change:year',
        'change',
        'request',
        'sync',
        'request',
        'destroy',
        'sync',
      ]);
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /books/1',
        'POST /books',
        `PATCH /books/${id}`,
        `DELETE /books/${id}`,
        'GET /books',
        'GET /books/999',
      ]);
      expect(JSON.parse(api.requests[2].body)).toEqual({ year: 1989 });
    });
  });
});
