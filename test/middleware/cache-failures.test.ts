import { createSync, SyncError } from '../../lib/index';
import type { Middleware } from '../../lib/index';
import { cacheTestServer, read, spyStore } from '../helpers/cache-step';

const api = cacheTestServer();
const route = api.route;

describe('cache step: failures lose nothing', () => {
  const failingStores: Array<[string, () => unknown]> = [
    ['rejects', () => ({ get: async () => Promise.reject(new Error('ECONNRESET')), set: async () => {} })],
    [
      'throws synchronously',
      () => ({
        get: () => {
          throw new Error('sync boom');
        },
        set: async () => {},
      }),
    ],
    ['never answers', () => ({ get: () => new Promise(() => {}), set: () => new Promise(() => {}) })],
    [
      'is not connected',
      () => ({ isOpen: false, isReady: false, sendCommand: () => {}, get: async () => 'x', set: async () => {} }),
    ],
  ];

  test.each(failingStores)('a store that %s is a miss, reported to onCacheError', async (_name, make) => {
    const errors: Array<[SyncError, unknown]> = [];
    const sync = createSync({
      cacheClient: make(),
      cacheTimeout: 30,
      onCacheError: (e, info) => errors.push([e, info]),
    });
    const r = route();
    await expect(read(sync, r.url)).resolves.toEqual({ n: 1 });
    await expect(read(sync, r.url)).resolves.toEqual({ n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0][0]).toBeInstanceOf(SyncError);
    expect(errors[0][0].code).toBe('ERR_CACHE');
    expect(errors[0][1]).toMatchObject({ operation: 'get' });
  });

  test('by default a failing store warns once, not once per request', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const sync = createSync({ cacheClient: failingStores[0][1]() });
      const r = route();
      for (let i = 0; i < 4; i++) await read(sync, r.url);
      expect(r.hits()).toBe(4);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/cache get failed: ECONNRESET.*onCacheError/);
    } finally {
      warn.mockRestore();
    }
  });

  test('a throwing onCacheError hook does not fail the call', async () => {
    const sync = createSync({
      cacheClient: failingStores[0][1](),
      onCacheError: () => {
        throw new Error('hook bug');
      },
    });
    await expect(read(sync, route().url)).resolves.toEqual({ n: 1 });
  });

  test('a write that fails is reported and the caller never sees it', async () => {
    const errors: unknown[] = [];
    const sync = createSync({
      cacheClient: { get: async () => null, set: async () => Promise.reject(new Error('READONLY')) },
      onCacheError: (_e, info) => errors.push(info),
    });
    await expect(read(sync, route().url)).resolves.toEqual({ n: 1 });
    expect(errors).toEqual([{ operation: 'set', key: expect.stringMatching(/^bss:/) }]);
  });

  test('a corrupt entry is a miss, reported, deleted and replaced', async () => {
    const store = spyStore();
    const errors: unknown[] = [];
    const sync = createSync({ cacheClient: store, onCacheError: (_e, info) => errors.push(info) });
    const r = route();
    await read(sync, r.url);
    const [key] = [...store.data.keys()];
    for (const garbage of ['not json', '{"body":{"n":1},"headers":{}}', '{"v":2}']) {
      store.data.set(key, garbage);
      await read(sync, r.url);
    }
    expect(r.hits()).toBe(4);
    expect(errors).toEqual(Array(3).fill({ operation: 'decode', key }));
    expect(JSON.parse(store.data.get(key)!)).toMatchObject({ v: 2, body: { n: 4 } });
  });

  describe('circuit breaker (fake timers, fake transport)', () => {
    afterEach(() => jest.useRealTimers());

    test('after 3 failures in a row the store is not asked until the cooldown ends', async () => {
      jest.useFakeTimers({ now: 10_000_000 });
      const get = jest.fn(async (): Promise<string | null> => Promise.reject(new Error('down')));
      const set = jest.fn(async (): Promise<unknown> => Promise.reject(new Error('down')));
      const calls = () => get.mock.calls.length + set.mock.calls.length;
      const sync = createSync({
        timeout: 0,
        cacheClient: { get, set },
        cacheBreaker: { failures: 3, cooldown: 10_000 },
        onCacheError: () => {},
      });
      let upstream = 0;
      const fake: Middleware = (ctx) => {
        upstream++;
        ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '{}', fromCache: false };
      };
      sync.replace('transport', fake);
      const url = 'http://api.test/breaker';
      // get fails, set fails, get fails: open.
      for (let i = 0; i < 6; i++) await read(sync, url);
      expect(calls()).toBe(3);
      expect(upstream).toBe(6);
      jest.advanceTimersByTime(9_999);
      await read(sync, url);
      expect(calls()).toBe(3);
      jest.advanceTimersByTime(1);
      await read(sync, url); // the probe (a get) fails: open again
      await read(sync, url);
      expect(calls()).toBe(4);
      get.mockImplementation(async () => null);
      set.mockImplementation(async () => 'OK');
      jest.advanceTimersByTime(10_000);
      for (let i = 0; i < 3; i++) await read(sync, url);
      // Closed again: every miss asks the store (get) and stores (set).
      expect(get).toHaveBeenCalledTimes(6);
      expect(set).toHaveBeenCalledTimes(4);
      expect(upstream).toBe(12);
    });
  });
});
