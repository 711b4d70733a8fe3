import { createSync, legacyCacheKey } from '../../lib/index';
import { cacheTestServer, outcomes, read, spyStore } from '../helpers/cache-step';
import { sendJSON } from '../helpers/test-server';

const api = cacheTestServer();
const route = api.route;

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
    const path = `/user${api.next()}`;
    let hits = 0;
    api.server.route(path, (req, res) => {
      hits++;
      const who = req.headers.authorization ?? req.headers['x-access-token'] ?? 'anonymous';
      sendJSON(res, { who, hits });
    });
    return { url: api.server.url(path), hits: () => hits };
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
      const b = await read(sync, r.url);
      const c = await read(sync, r.url, { headers: { authorization: 'Bearer C' }, cacheScope: aScope });
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
    await expect(read(sync, shared.url, { cacheScope: 'public' })).resolves.toEqual({ who: 'app', hits: 1 });
  });

  test('privateHeaders is configurable; a bad cacheScope fails the call', async () => {
    const sync = createSync({ privateHeaders: ['X-Session'] });
    const r = route();
    await read(sync, r.url, { headers: { 'x-session': 's1' } });
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
    await expect(read(sync, r.url, { as: 'bob' })).resolves.toEqual({ n: 2 });
    expect(r.hits()).toBe(2);
  });
});
