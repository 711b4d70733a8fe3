import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_CONFIG } from '../../lib/cache/config';
import { CONFIG, CONFIG_KEYS, STEP_KEYS } from '../../lib/config';
import { createSync, memoryStore, middleware, type SyncConfig } from '../../lib/index';
import { configTable } from '../../scripts/config-table';

/** A good value other than the default for every key (the mapped type makes a missing key a compile error). */
const SAMPLES: { [K in keyof SyncConfig]-?: Exclude<SyncConfig[K], undefined> } = {
  timeout: 1234,
  headers: { 'x-app': 'shelf' },
  cacheClient: memoryStore({ max: 5 }),
  defaultCacheTime: 'http',
  cacheGrace: 30,
  cacheKey: () => 'fixed',
  cachePrefix: 'app:',
  cacheIgnoreHeaders: ['x-render-id'],
  cacheUserSecret: 'a-secret-of-sixteen-characters',
  cacheTimeout: 250,
  cacheMaxEntryBytes: 2048,
  cacheBreaker: { failures: 2, cooldown: 10 },
  cacheEarlyRefresh: false,
  cacheFleet: false,
  nearCache: { ttl: 2 },
  onCacheError: () => {},
  agent: false,
  maxResponseBytes: 4096,
  maxRedirects: 1,
  privateHeaders: ['x-session'],
};

describe('the configuration, declared once (lib/config.ts)', () => {
  test.each(CONFIG_KEYS)('%s: a bad value is refused on assignment with the same TypeError as createSync()', (key) => {
    const bad = Symbol('bad');
    let fromCreate: unknown;
    try {
      createSync({ [key]: bad } as SyncConfig);
    } catch (error) {
      fromCreate = error;
    }
    expect(fromCreate).toBeInstanceOf(TypeError);
    const sync = createSync();
    const before = sync[key];
    expect(() => {
      (sync as unknown as Record<string, unknown>)[key] = bad;
    }).toThrow((fromCreate as Error).message);
    expect(sync[key]).toEqual(before);
  });

  test('extend() copies every declared key, and the child owns its lists and objects', () => {
    const parent = createSync(SAMPLES);
    const child = parent.extend();
    for (const key of CONFIG_KEYS) expect([key, child[key]]).toEqual([key, parent[key]]);
    (child.cacheIgnoreHeaders as string[]).push('x-other');
    (child.headers as Record<string, string>)['x-child'] = '1';
    expect(parent.cacheIgnoreHeaders).toEqual(['x-render-id']);
    expect(parent.headers).toEqual({ 'x-app': 'shelf' });
  });

  test('names that must be lower-case are lower-cased, on assignment as in createSync()', () => {
    const sync = createSync({ privateHeaders: ['X-Session'] });
    expect(sync.privateHeaders).toEqual(['x-session']);
    sync.cacheIgnoreHeaders = ['X-Render-Id'];
    expect(sync.cacheIgnoreHeaders).toEqual(['x-render-id']);
  });

  test('every key has its default on a new instance, and { ...sync } shows them all', () => {
    const sync = createSync();
    for (const key of CONFIG_KEYS) expect([key, sync[key]]).toEqual([key, CONFIG[key].default()]);
    expect(Object.keys({ ...sync })).toEqual(expect.arrayContaining(CONFIG_KEYS));
  });

  test("the README's configuration reference is the declared table", () => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('<!-- config-table');
    const end = readme.indexOf('<!-- /config-table -->');
    expect(start).toBeGreaterThan(-1);
    const inReadme = readme.slice(readme.indexOf('\n', start) + 1, end).trim();
    expect(inReadme).toBe(configTable());
  });
});

describe('what the cache declares belongs to its step', () => {
  const cacheKeys = Object.keys(CACHE_CONFIG);

  test('the cache declares its own keys, for the step named cache', () => {
    expect(cacheKeys).toContain('cacheClient');
    expect(STEP_KEYS.get('cache')).toEqual(cacheKeys);
    for (const key of cacheKeys) expect(CONFIG_KEYS).toContain(key);
  });

  test('without a cache step an instance has neither sync.cache nor the cache keys; adding one brings them back', () => {
    const sync = createSync({ cachePrefix: 'app:', timeout: 500 });
    expect(Object.keys({ ...sync })).toEqual(expect.arrayContaining(['cache', ...cacheKeys]));
    sync.remove('cache');
    expect(Object.keys({ ...sync }).filter((key) => key === 'cache' || cacheKeys.includes(key))).toEqual([]);
    expect('cache' in sync).toBe(false);
    expect(sync.timeout).toBe(500);
    expect(sync.cacheIgnoreHeaders).toEqual(CONFIG.cacheIgnoreHeaders.default()); // dedupe's too: the core keeps it

    // A child of the cache-less instance has none either; with a cache step it has the parent's values.
    const child = sync.extend();
    expect('cachePrefix' in child).toBe(false);
    child.use('cache', middleware.cache(), { before: 'parse' });
    expect(child.cachePrefix).toBe('app:');
    expect(typeof child.cache.invalidate).toBe('function');
    expect(() => {
      child.cacheTimeout = -1;
    }).toThrow(TypeError);

    sync.use('cache', middleware.cache(), { before: 'parse' });
    expect(sync.cachePrefix).toBe('app:');
    expect(sync.cache).not.toBe(child.cache);
  });

  test('a step replaced under the same name keeps them', () => {
    const sync = createSync();
    const own = sync.cache;
    sync.replace('cache', async (_ctx, next) => next());
    expect(sync.cache).toBe(own);
    expect(sync.cachePrefix).toBe('bss:');
  });
});
