import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { assertFreshBuild } from '../helpers/built-package';

// The built package, resolved by its own name (Node's package self-reference through "exports").
const root = path.join(__dirname, '..', '..');

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

// Built by `npm test` before jest runs; rebuilding here would race the browser and package suites,
// which read dist/ at the same time.
beforeAll(() => assertFreshBuild());

describe('package entry points', () => {
  test("require('backbone-super-sync') is the sync function, with the named exports on it", () => {
    const out = node([
      '-e',
      `const sync = require('backbone-super-sync');
       const Backbone = require('backbone');
       Backbone.sync = sync;
       console.log(JSON.stringify({
         fn: typeof sync, createSync: typeof sync.createSync, SyncError: typeof sync.SyncError,
         middleware: Object.keys(sync.middleware).sort(), isDefault: sync.default === sync,
         timeout: sync.timeout, stepsTop: 'timeout' in sync.middleware && sync.timeout === 10000,
       }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      fn: 'function',
      createSync: 'function',
      SyncError: 'function',
      middleware: expect.arrayContaining(['cache', 'headers', 'parse', 'timeout', 'transport']),
      isDefault: true,
      timeout: 10000,
      stepsTop: true,
    });
  });

  test('the ES module entry is the same object, with named exports', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import superSync, { createSync, SyncError, middleware } from 'backbone-super-sync';
       import { createRequire } from 'node:module';
       const required = createRequire(process.cwd() + '/')('backbone-super-sync');
       console.log(JSON.stringify({ same: superSync === required, createSync: typeof createSync,
         SyncError: typeof SyncError, middleware: typeof middleware.timeout }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      same: true,
      createSync: 'function',
      SyncError: 'function',
      middleware: 'function',
    });
  });

  test("the middleware factories come from 'backbone-super-sync/middleware' by require and import", () => {
    const required = node(['-e', `console.log(typeof require('backbone-super-sync/middleware').headers)`]);
    const imported = node([
      '--input-type=module',
      '-e',
      `import { timeout, headers } from 'backbone-super-sync/middleware'; console.log(typeof timeout, typeof headers)`,
    ]);
    expect(required).toBe('function');
    expect(imported).toBe('function function');
  });

  test("mockTransport comes from 'backbone-super-sync/testing' by require and import", () => {
    const required = node(['-e', `console.log(typeof require('backbone-super-sync/testing').mockTransport)`]);
    const imported = node([
      '--input-type=module',
      '-e',
      `import { mockTransport } from 'backbone-super-sync/testing'; console.log(typeof mockTransport([]))`,
    ]);
    expect(required).toBe('function');
    expect(imported).toBe('function');
  });
});
