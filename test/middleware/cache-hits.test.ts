import { createSync } from '../../lib/index';
import { backboneWith, recordEvents } from '../helpers/backbone';
import { cacheTestServer, outcomes, read, spyStore } from '../helpers/cache-step';

const api = cacheTestServer();
const route = api.route;

describe('cache step: hits and misses', () => {
  test('the second read is a hit: one upstream request, same body, fromCache on the way up', async () => {
    const sync = createSync();
    const seen = outcomes(sync);
    const r = route();
    await expect(read(sync, r.url)).resolves.toEqual({ n: 1 });
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
    const second = (await read(sync, r.url)) as { list: number[] };
    expect(second).toEqual({ list: [1, 2] });
    second.list.push(100);
    await expect(read(sync, r.url)).resolves.toEqual({ list: [1, 2] });
  });

  test('only GET reads are cached; cache: true on a write is ignored', async () => {
    const sync = createSync();
    const r = route();
    await sync('create', { url: r.url, toJSON: () => ({}) }, { cache: true });
    await sync('create', { url: r.url, toJSON: () => ({}) }, { cache: true });
    expect(r.hits()).toBe(2);
  });

  test('without cache: true nothing is read or stored', async () => {
    const store = spyStore();
    const sync = createSync({ cacheClient: store });
    const r = route();
    await sync('read', { url: r.url }, {});
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
    expect(store.sets).toEqual([]);
    const ok = route(undefined, { 'cache-control': 'public, max-age=60' });
    await read(sync, ok.url);
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
