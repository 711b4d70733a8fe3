import { createSync, legacyCacheKey, memoryStore, SyncError } from '../../lib/index';
import type { CacheStore, Middleware, SyncConfig, SyncInstance, SyncOptions } from '../../lib/index';
import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
/** A fresh path per test, answering JSON that counts its hits. */
function route(body: (n: number) => unknown = (n) => ({ n }), headers = {}, status = 200) {
  const path = `/r${++counter}`;
  let hits = 0;
  server.route(path, (_req, res) => sendJSON(res, body(++hits), status, headers));
  return { url: server.url(path), hits: () => hits };
}

const settleWrites = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Records what the cache step did for each call, from a step outside it. */
function outcomes(sync: SyncInstance): Array<{ cache: unknown; fromCache: unknown }> {
  const seen: Array<{ cache: unknown; fromCache: unknown }> = [];
  sync.use('record', async (ctx, next) => {
    await next();
    seen.push({ cache: ctx.state.cache, fromCache: ctx.response?.fromCache });
  });
  return seen;
}

function read(sync: SyncInstance, url: string, options: SyncOptions = {}) {
  return sync('read', { url }, { cache: true, ...options });
}

function spyStore(): CacheStore & { data: Map<string, string>; sets: Array<[string, number]> } {
  const data = new Map<string, string>();
  const sets: Array<[string, number]> = [];
  return {
    data,
    sets,
    get: async (key) => data.get(key),
    set: async (key, value, ttl) => {
      sets.push([key, ttl]);
      data.set(key, value);
    },
    delete: async (key) => data.delete(key),
  };
}

describe('cache step: hits and misses', () => {
  test('the second read is a hit: one upstream request, same body, fromCache on the way up', async () => {
    const sync = createSync();
    const seen = outcomes(sync);
    const r = route();
    await expect(read(sync, r.url)).resolves.toEqual({ n: 1 });
    await settleWrites();
    await expect(read(sync, r.url)).resolves.toEqual({ n: 1 });
    expect(r.hits()).toBe(1);
    expect(seen).toEqual([
      { cache: 'miss', fromCache: false },
      { cache: 'hit', fromCache: true },
    ]);
  });

  test('a hit looks like a miss to Backbone: callbacks, events, options.res, xhr', async () => {
    const r = route(() => ({ id: 7, title: 'Dune' }), { 'x-total-count': '1', 'x-internal': 'no' });
    const { Model } = backboneWith();
    const runs: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const model = new Model({ id: 7 });
      model.url = r.url;
      const events = recordEvents(model);
      const options: Record<string, unknown> = {};
      const calls: string[] = [];
      // Wrapped: the handle is a thenable, which resolve() would unwrap.
      const { xhr } = await new Promise<{ xhr: unknown }>((resolve) => {
        model.fetch({
          cache: true,
          success: (_m: unknown, data: unknown, opts: Record<string, unknown>) => {
            calls.push('success');
            Object.assign(options, { data, res: opts.res });
          },
          complete: (xhr: unknown, textStatus: string) => {
            calls.push(`complete:${textStatus}`);
            resolve({ xhr });
          },
        } as never);
      });
      const handle = xhr as { status: number; responseJSON: unknown; getResponseHeader(n: string): string | null };
      runs.push({
        calls,
        events: events.map((e) => e[0]),
        attributes: model.toJSON(),
        data: options.data,
        // A hit keeps the allow-listed headers (content-type, pagination, ...), never connection details.
        res: {
          status: (options.res as { status: number }).status,
          type: (options.res as { headers: Record<string, string> }).headers['content-type'],
          total: (options.res as { headers: Record<string, string> }).headers['x-total-count'],
        },
        status: handle.status,
        responseJSON: handle.responseJSON,
        totalHeader: handle.getResponseHeader('x-total-count'),
      });
      await settleWrites();
    }
    expect(r.hits()).toBe(1);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]).toMatchObject({
      calls: ['success', 'complete:success'],
      events: ['request', 'change:title', 'change', 'sync'],
      status: 200,
      totalHeader: '1',
    });
  });

  test('each caller owns its body: mutating one hit does not change the next', async () => {
    const sync = createSync();
    const r = route(() => ({ list: [1, 2] }));
    const first = (await read(sync, r.url)) as { list: number[] };
    first.list.push(99);
    await settleWrites();
    const second = (await read(sync, r.url)) as { list: number[] };
    expect(second).toEqual({ list: [1, 2] });
    second.list.push(100);
    await expect(read(sync, r.url)).resolves.toEqual({ list: [1, 2] });
  });

  test('only GET reads are cached; cache: true on a write is ignored', async () => {
    const sync = createSync();
    const r = route();
    await sync('create', { url: r.url, toJSON: () => ({}) }, { cache: true });
    await settleWrites();
    await sync('create', { url: r.url, toJSON: () => ({}) }, { cache: true });
    expect(r.hits()).toBe(2);
  });

  test('without cache: true nothing is read or stored', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    const r = route();
    await sync('read', { url: r.url }, {});
    await settleWrites();
    expect(store.sets).toEqual([]);
  });

  test('the entry is written before the callbacks: a read from success is a hit', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    const r = route();
    let setsWhenAnswered = -1;
    let inner: Promise<unknown> | undefined;
    await read(sync, r.url, {
      success: () => {
        setsWhenAnswered = store.sets.length;
        inner = read(sync, r.url);
      },
    });
    expect(setsWhenAnswered).toBe(1);
    await expect(inner).resolves.toEqual({ n: 1 });
    expect(r.hits()).toBe(1);
  });

  test('cacheTime per call, else defaultCacheTime; 0 stores nothing but still reads', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store, defaultCacheTime: 120 });
    const a = route();
    const b = route();
    const c = route();
    await read(sync, a.url);
    await read(sync, b.url, { cacheTime: 2.5 });
    await read(sync, c.url, { cacheTime: 0 });
    await settleWrites();
    expect(store.sets.map(([, ttl]) => ttl)).toEqual([120, 2.5]);
  });

  test('what is not stored: errors, Set-Cookie, Cache-Control private/no-store/no-cache, Vary *, too large', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store, cacheMaxEntryBytes: 2000 });
    const cases = [
      route(undefined, {}, 404),
      route(undefined, { 'set-cookie': 'sid=1' }),
      route(undefined, { 'cache-control': 'private, max-age=60' }),
      route(undefined, { 'cache-control': 'no-store' }),
      route(undefined, { 'cache-control': 'no-cache' }),
      route(undefined, { vary: '*' }),
      route(() => ({ big: 'x'.repeat(3000) })),
    ];
    for (const r of cases) await read(sync, r.url, { error: () => {} }).catch(() => {});
    await settleWrites();
    expect(store.sets).toEqual([]);
    const ok = route(undefined, { 'cache-control': 'public, max-age=60' });
    await read(sync, ok.url);
    await settleWrites();
    expect(store.sets).toHaveLength(1);
  });

  test('stored entries are versioned JSON with every header but hop-by-hop and body framing ones', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    const r = route(() => ({ a: 1 }), {
      'x-total-count': '3',
      'x-ratelimit-remaining': '41',
      'x-hop': 'gone',
      connection: 'keep-alive, x-hop',
    });
    await read(sync, r.url);
    const [raw] = [...store.data.values()];
    const entry = JSON.parse(raw);
    expect(entry).toMatchObject({ v: 2, status: 200, body: { a: 1 }, enc: 'json' });
    expect(typeof entry.storedAt).toBe('number');
    expect(entry.headers).toMatchObject({ 'x-total-count': '3', 'x-ratelimit-remaining': '41' });
    expect(entry.headers['content-type']).toMatch(/json/);
    for (const name of ['connection', 'x-hop', 'content-length', 'keep-alive', 'transfer-encoding']) {
      expect(entry.headers[name]).toBeUndefined();
    }
  });
});

describe('cache step: keys', () => {
  test('the key is prefix + sha256 of the request as sent: reordered data is another request, headers from user steps count', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store, cachePrefix: 'app:' });
    const r = route();
    await read(sync, r.url, { data: { a: 1, b: 2 } });
    await read(sync, r.url, { data: { a: 1, b: 2 } });
    expect(r.hits()).toBe(1);
    const [[key]] = store.sets;
    expect(key).toMatch(/^app:[0-9a-f]{64}$/);
    // `?b=2&a=1` is other bytes on the wire: its own entry (a server may answer it differently).
    await read(sync, r.url, { data: { b: 2, a: 1 } });
    expect(r.hits()).toBe(2);

    sync.use('lang', (ctx, next) => {
      ctx.request.headers['accept-language'] = 'fr';
      return next();
    });
    await read(sync, r.url, { data: { a: 1, b: 2 } });
    expect(r.hits()).toBe(3);
  });

  test('a 100 KB query gives a key of the same length, and no credential reaches a key', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    // The key, not the wire: a fake transport (no server takes a 100 KB URL).
    sync.replace('transport', (ctx) => {
      ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '{}', fromCache: false };
    });
    const url = 'http://api.test/search';
    await read(sync, url, {
      data: { q: 'x'.repeat(100_000) },
      headers: { authorization: 'Bearer secret-token' },
      cacheScope: 'user',
    });
    await read(sync, url, { data: { q: 'short' } });
    await settleWrites();
    const keys = store.sets.map(([key]) => key);
    expect(keys).toHaveLength(2);
    expect(keys[0].length).toBe(keys[1].length + ':u:'.length + 64);
    for (const key of keys) expect(key).not.toContain('secret-token');
  });

  test('options.cacheKey, sync.cacheKey and legacyCacheKey override the key', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store, cacheKey: legacyCacheKey });
    const r = route();
    await sync('read', { url: r.url }, { cache: true, data: { page: 2 } });
    await read(sync, r.url, { cacheKey: 'my-own-key' });
    sync.cacheKey = (ctx) => `fn:${ctx.request.url}`;
    await read(sync, r.url);
    await settleWrites();
    expect(store.sets.map(([key]) => key)).toEqual([`${r.url}{"page":2}`, 'my-own-key', `fn:${r.url}`]);
  });

  test('a cacheKey that is not a string fails the call clearly', async () => {
    const sync = createSync({ cacheKey: () => 42 as never });
    const r = route();
    await expect(read(sync, r.url, { error: () => {} })).rejects.toThrow(/cache key must be a non-empty string/);
  });
});

describe('cache step: privacy (RFC 9111 section 3.5)', () => {
  /** A route whose body names who asked (the credential the server saw). */
  function perUser() {
    const path = `/user${++counter}`;
    let hits = 0;
    server.route(path, (req, res) => {
      hits++;
      const who = req.headers.authorization ?? req.headers['x-access-token'] ?? 'anonymous';
      sendJSON(res, { who, hits });
    });
    return { url: server.url(path), hits: () => hits };
  }

  test('a read with credentials bypasses the cache unless it names a scope', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    const seen = outcomes(sync);
    const r = perUser();
    const credentials: Array<Record<string, string>> = [
      { authorization: 'Bearer a' },
      { cookie: 'sid=1' },
      { 'x-access-token': 't' },
    ];
    for (const headers of credentials) {
      await read(sync, r.url, { headers });
      await read(sync, r.url, { headers });
    }
    await settleWrites();
    expect(store.sets).toEqual([]);
    expect(r.hits()).toBe(6);
    expect(seen.every((s) => s.cache === 'bypass')).toBe(true);
  });

  test('security: B (anonymous) and C (another token) never receive A’s body', async () => {
    for (const scope of [undefined, 'user', 'public-for-anonymous'] as const) {
      const sync = createSync();
      const r = perUser();
      const aScope = scope === 'user' ? 'user' : undefined;
      const a = await read(sync, r.url, { headers: { authorization: 'Bearer A' }, cacheScope: aScope });
      await settleWrites();
      const b = await read(sync, r.url);
      const c = await read(sync, r.url, { headers: { authorization: 'Bearer C' }, cacheScope: aScope });
      await settleWrites();
      const again = await Promise.all([
        read(sync, r.url),
        read(sync, r.url, { headers: { authorization: 'Bearer C' }, cacheScope: aScope }),
      ]);
      expect(a).toMatchObject({ who: 'Bearer A' });
      for (const body of [b, again[0]]) expect(body).toMatchObject({ who: 'anonymous' });
      for (const body of [c, again[1]]) expect(body).toMatchObject({ who: 'Bearer C' });
    }
  });

  test("cacheScope 'user': one entry per credential; 'public': one shared entry", async () => {
    const sync = createSync();
    const r = perUser();
    await read(sync, r.url, { headers: { authorization: 'Bearer A' }, cacheScope: 'user' });
    await settleWrites();
    await expect(read(sync, r.url, { headers: { authorization: 'Bearer A' }, cacheScope: 'user' })).resolves.toEqual({
      who: 'Bearer A',
      hits: 1,
    });
    await expect(read(sync, r.url, { headers: { authorization: 'Bearer B' }, cacheScope: 'user' })).resolves.toEqual({
      who: 'Bearer B',
      hits: 2,
    });

    const shared = perUser();
    await read(sync, shared.url, { headers: { 'x-access-token': 'app' }, cacheScope: 'public' });
    await settleWrites();
    await expect(read(sync, shared.url, { cacheScope: 'public' })).resolves.toEqual({ who: 'app', hits: 1 });
  });

  test('privateHeaders is configurable; a bad cacheScope fails the call', async () => {
    const sync = createSync({ privateHeaders: ['X-Session'] });
    const r = route();
    await read(sync, r.url, { headers: { 'x-session': 's1' } });
    await settleWrites();
    await read(sync, r.url, { headers: { 'x-session': 's1' } });
    expect(r.hits()).toBe(2);
    await expect(read(sync, r.url, { cacheScope: 'everyone' as never, error: () => {} })).rejects.toThrow(
      /cacheScope must be 'public' or 'user'/,
    );
  });
});

describe('cache step: credentials in any case', () => {
  test('a credential a user step writes as `Authorization` (not lower case) still makes the read private', async () => {
    const sync = createSync().use('login', (ctx, next) => {
      ctx.request.headers.Authorization = `Bearer ${String(ctx.options.as)}`;
      return next();
    });
    const r = route((n) => ({ n }));
    await expect(read(sync, r.url, { as: 'alice' })).resolves.toEqual({ n: 1 });
    await settleWrites();
    await expect(read(sync, r.url, { as: 'bob' })).resolves.toEqual({ n: 2 });
    expect(r.hits()).toBe(2);
  });
});

describe('cache step: coalesced misses', () => {
  test('50 concurrent cold reads make one upstream request; each caller gets its own body', async () => {
    const sync = createSync();
    const seen = outcomes(sync);
    const r = route(() => ({ list: [1, 2, 3] }));
    const bodies = (await Promise.all(Array.from({ length: 50 }, () => read(sync, r.url)))) as Array<{
      list: number[];
    }>;
    expect(r.hits()).toBe(1);
    expect(new Set(bodies).size).toBe(50);
    bodies[0].list.push(4);
    expect(bodies[1]).toEqual({ list: [1, 2, 3] });
    expect(seen.filter((s) => s.cache === 'miss')).toHaveLength(1);
    expect(seen.filter((s) => s.cache === 'shared')).toHaveLength(49);
  });

  test('when the shared request fails every waiter fails, and the next call tries again', async () => {
    const sync = createSync();
    const r = route(undefined, {}, 503);
    const outcomesOf = await Promise.allSettled(
      Array.from({ length: 10 }, () => read(sync, r.url, { error: () => {} })),
    );
    expect(r.hits()).toBe(1);
    expect(outcomesOf.every((o) => o.status === 'rejected' && (o.reason as SyncError).status === 503)).toBe(true);
    // Each caller has its own error, and its own parsed error body.
    const errors = outcomesOf.map((o) => (o as PromiseRejectedResult).reason as SyncError);
    expect(new Set(errors).size).toBe(10);
    expect(new Set(errors.map((e) => e.responseJSON)).size).toBe(10);
    expect(errors[3].responseJSON).toEqual(errors[0].responseJSON);
    await read(sync, r.url, { error: () => {} }).catch(() => {});
    expect(r.hits()).toBe(2);
  });

  test('when the leader is aborted the others still get an answer', async () => {
    const sync = createSync();
    const path = `/slow${++counter}`;
    let hits = 0;
    server.route(path, (_req, res) => {
      hits++;
      setTimeout(() => sendJSON(res, { hits }), 50);
    });
    const url = server.url(path);
    const leader = read(sync, url, { error: () => {} });
    const followers = [read(sync, url), read(sync, url)];
    while (hits === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    leader.abort(); // while its request is on the wire
    await expect(leader).rejects.toMatchObject({ textStatus: 'abort' });
    const bodies = await Promise.all(followers);
    expect(bodies[0]).toEqual({ hits: 1 });
    expect(bodies[1]).toEqual({ hits: 1 });
    expect(bodies[0]).not.toBe(bodies[1]);
    // The request went on for the followers (it runs on the shared signal, not the leader's)...
    expect(hits).toBe(1);
    // ...and its answer was stored although the leader that started it had left.
    await expect(read(sync, url)).resolves.toEqual({ hits: 1 });
    expect(hits).toBe(1);
  });

  test('when every caller of a cold key aborts, the shared request is aborted too', async () => {
    const sync = createSync();
    const path = `/hang${++counter}`;
    let closed = false;
    let hits = 0;
    server.route(path, (_req, res) => {
      hits++;
      res.on('close', () => (closed = true));
    });
    const url = server.url(path);
    const callers = [read(sync, url, { error: () => {} }), read(sync, url, { error: () => {} })];
    while (hits === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const caller of callers) caller.abort();
    await Promise.allSettled(callers);
    for (let i = 0; i < 200 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
    expect(hits).toBe(1);
  });

  test('private (bypassing) reads are never coalesced with others', async () => {
    const sync = createSync();
    const r = route();
    await Promise.all([
      read(sync, r.url, { headers: { authorization: 'A' } }),
      read(sync, r.url, { headers: { authorization: 'B' } }),
    ]);
    expect(r.hits()).toBe(2);
  });
});

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
    await settleWrites();
    expect(errors).toEqual([{ operation: 'set', key: expect.stringMatching(/^bss:/) }]);
  });

  test('a corrupt entry is a miss, reported, deleted and replaced', async () => {
    const store = spyStore();
    const errors: unknown[] = [];
    const sync = createSync({ cacheClient: store, onCacheError: (_e, info) => errors.push(info) });
    const r = route();
    await read(sync, r.url);
    await settleWrites();
    const [key] = [...store.data.keys()];
    for (const garbage of ['not json', '{"body":{"n":1},"headers":{}}', '{"v":2}']) {
      store.data.set(key, garbage);
      await read(sync, r.url);
      await settleWrites();
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

describe('cache step: invalidation', () => {
  function library() {
    const books = new Map<string, Record<string, unknown>>([['1', { id: 1, title: 'Dune' }]]);
    const path = `/books${++counter}`;
    let gets = 0;
    server.route(path, (req, res) => {
      if (req.method === 'GET') gets++;
      if (req.method === 'POST') {
        const book = { ...JSON.parse(req.body), id: books.size + 1 };
        books.set(String(book.id), book);
        return sendJSON(res, book, 201);
      }
      sendJSON(res, [...books.values()]);
    });
    server.route(`${path}/1`, (req, res) => {
      if (req.method === 'GET') gets++;
      if (req.method === 'PUT' || req.method === 'PATCH')
        books.set('1', { ...books.get('1'), ...JSON.parse(req.body) });
      if (req.method === 'DELETE') {
        books.delete('1');
        return sendJSON(res, undefined, 204);
      }
      sendJSON(res, books.get('1'));
    });
    return { root: server.url(path), gets: () => gets };
  }

  test.each(['save', 'patch', 'destroy', 'create'])(
    'a successful %s forgets the cached model and collection (every query on it)',
    async (write) => {
      const lib = library();
      const { Model, Collection } = backboneWith({}, lib.root);
      const books = new Collection();
      await books.fetch({ cache: true } as never);
      await books.fetch({ cache: true, data: { page: 2 } } as never);
      const book = new Model({ id: 1 });
      await book.fetch({ cache: true } as never);
      await settleWrites();
      await books.fetch({ cache: true } as never);
      await book.fetch({ cache: true } as never);
      expect(lib.gets()).toBe(3);

      const target = books.get(1)!;
      if (write === 'save') await target.save({ title: 'Dune Messiah' });
      if (write === 'patch') await target.save({ title: 'Dune Messiah' }, { patch: true });
      if (write === 'destroy') await target.destroy();
      if (write === 'create') await new Promise((resolve) => books.create({ title: 'Emma' }, { success: resolve }));
      await settleWrites();

      await books.fetch({ cache: true } as never);
      await books.fetch({ cache: true, data: { page: 2 } } as never);
      if (write !== 'destroy') await book.fetch({ cache: true } as never);
      // A create leaves /books/1 alone; a destroy leaves nothing to fetch there.
      expect(lib.gets()).toBe(write === 'destroy' || write === 'create' ? 5 : 6);
      if (write === 'save' || write === 'patch') expect(book.get('title')).toBe('Dune Messiah');
    },
  );

  test('a failed write forgets nothing', async () => {
    const sync = createSync();
    const r = route();
    await read(sync, r.url);
    await settleWrites();
    const failing = route(undefined, {}, 500);
    await sync('update', { url: failing.url, toJSON: () => ({}) }, { error: () => {} }).catch(() => {});
    await read(sync, r.url);
    expect(r.hits()).toBe(1);
  });

  test('sync.cache.invalidate(url) and sync.cache.clear()', async () => {
    const sync = createSync();
    const a = route();
    const b = route();
    await Promise.all([read(sync, a.url), read(sync, `${a.url}?q=1`), read(sync, b.url)]);
    await settleWrites();
    await sync.cache.invalidate(a.url);
    await Promise.all([read(sync, a.url), read(sync, `${a.url}?q=1`), read(sync, b.url)]);
    expect([a.hits(), b.hits()]).toEqual([4, 1]);
    await settleWrites();
    await sync.cache.clear();
    await Promise.all([read(sync, a.url), read(sync, b.url)]);
    expect([a.hits(), b.hits()]).toEqual([5, 2]);
  });

  test('invalidation deletes what other processes stored under the plain key', async () => {
    const store = spyStore();
    const writer = createSync({ cacheClient: store });
    const other = createSync({ cacheClient: { ...store } }); // another "process": its own state, same data
    const r = route();
    await read(other, r.url);
    await settleWrites();
    expect(store.data.size).toBe(1);
    await writer('update', { url: r.url, toJSON: () => ({}) }, {});
    await settleWrites();
    expect(store.data.size).toBe(0);
  });
});

describe('cache step: instances', () => {
  test('extend(): the child shares the default memory store, has its own cache API bound to itself', async () => {
    const parent = createSync();
    const child = parent.extend();
    expect(child.cache).not.toBe(parent.cache);
    const r = route();
    await read(parent, r.url);
    await settleWrites();
    await read(child, r.url);
    expect(r.hits()).toBe(1);
    await child.cache.invalidate(r.url);
    await read(parent, r.url);
    expect(r.hits()).toBe(2);

    const store = spyStore();
    const own = parent.extend({ cacheClient: store });
    await read(own, r.url);
    await settleWrites();
    expect(store.sets).toHaveLength(1);
  });

  test('sync.cache does not collide with the step or the config', () => {
    const sync = createSync();
    expect(sync.steps()).toContain('cache');
    expect(typeof sync.cache.invalidate).toBe('function');
    expect(() => createSync({ cache: true } as SyncConfig)).toThrow(/Unknown sync option "cache"/);
  });

  test('bad cache configuration is a TypeError at setup', () => {
    expect(() => createSync({ cacheClient: { get: () => 1 } })).toThrow(/cacheClient must be/);
    expect(() => {
      createSync().cacheClient = 'redis://localhost';
    }).toThrow(TypeError);
    expect(() => createSync({ cacheTimeout: 0 })).toThrow(/cacheTimeout/);
    expect(() => createSync({ cacheKey: 'k' as never })).toThrow(/cacheKey must be a function/);
    expect(() => createSync({ cacheIgnoreHeaders: 'x-request-id' as never })).toThrow(/cacheIgnoreHeaders/);
    expect(() => createSync({ cacheGrace: -1 })).toThrow(/cacheGrace/);
    expect(() => createSync({ defaultCacheTime: 'forever' as never })).toThrow(/defaultCacheTime/);
    expect(() => createSync({ cacheMaxEntryBytes: 1.5 })).toThrow(/cacheMaxEntryBytes/);
    expect(() => createSync({ cacheBreaker: { failures: 0 } })).toThrow(/cacheBreaker.failures/);
    expect(() => createSync({ onCacheError: 'warn' as never })).toThrow(/onCacheError/);
    expect(() => createSync({ cacheUserSecret: 'short' })).toThrow(/cacheUserSecret/);
  });

  test('memoryStore() as cacheClient, and a bad cacheTime fails the call', async () => {
    const store = memoryStore({ max: 10 });
    const sync = createSync({ cacheClient: store });
    const r = route();
    await read(sync, r.url);
    await settleWrites();
    expect(store.size).toBe(1);
    await expect(read(sync, r.url, { cacheTime: 'long' as never, error: () => {} })).rejects.toThrow(
      /cacheTime must be/,
    );
  });
});
