import type { ServerResponse } from 'node:http';
import { createSync, type SyncInstance, type SyncOptions } from '../../lib/index';
import { dedupe } from '../../middleware/index';
import { sendJSON, TestServer, type SeenRequest } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
const fresh = (name: string) => `/${name}-${++counter}`;

interface Answer {
  url: string;
  body?: unknown;
}

function read(sync: SyncInstance, url: string, options: SyncOptions = {}) {
  return sync('read', { url }, { cache: true, ...options });
}

/** A read's body and how the cache answered it (`xhr.cacheStatus`). */
async function readWithStatus(sync: SyncInstance, url: string, options: SyncOptions = {}) {
  const xhr = read(sync, url, options);
  const body = await xhr;
  return { body, status: xhr.cacheStatus, httpStatus: xhr.status, textStatus: xhr.textStatus };
}

function requestsTo(path: string): SeenRequest[] {
  return server.requests.filter((request) => request.path === path);
}

/** A step of the app's own that adds a header, as the README's tenant example does. */
function tenantStep(sync: SyncInstance, tenant: () => string): void {
  sync.use('tenant', (ctx, next) => {
    ctx.request.headers['x-tenant'] = tenant();
    return next();
  });
}

describe('the key is what is sent: one request is never answered with another one’s entry', () => {
  test('two tenants set apart by a step-added header get their own bodies, through the cache and dedupe()', async () => {
    const path = fresh('tenant');
    server.route(path, (req, res) => sendJSON(res, { tenant: req.headers['x-tenant'] }));
    let tenant = 'a';
    const cached = createSync();
    tenantStep(cached, () => tenant);
    await expect(read(cached, server.url(path))).resolves.toEqual({ tenant: 'a' });
    tenant = 'b';
    await expect(read(cached, server.url(path))).resolves.toEqual({ tenant: 'b' });
    tenant = 'a';
    await expect(read(cached, server.url(path))).resolves.toEqual({ tenant: 'a' });
    expect(requestsTo(path)).toHaveLength(2);

    const deduped = createSync().use(dedupe());
    const both = ['a', 'b'].map((name) =>
      deduped('read', { url: server.url(path) }, { headers: { 'x-tenant': name } }),
    );
    await expect(Promise.all(both)).resolves.toEqual([{ tenant: 'a' }, { tenant: 'b' }]);
  });

  test("the server's Vary separates requests even by a header left out of the key", async () => {
    const path = fresh('vary');
    server.route(path, (req, res) => sendJSON(res, { tenant: req.headers['x-tenant'] }, 200, { vary: 'X-Tenant' }));
    const sync = createSync({ cacheIgnoreHeaders: ['x-tenant'] });
    const as = (tenant: string) => read(sync, server.url(path), { headers: { 'x-tenant': tenant } });
    await expect(as('a')).resolves.toEqual({ tenant: 'a' });
    await expect(as('b')).resolves.toEqual({ tenant: 'b' });
    // Whitespace and case of the value's list do not make another variant; another value does.
    await expect(as(' b ')).resolves.toEqual({ tenant: 'b' });
    expect(requestsTo(path)).toHaveLength(2);
  });

  test.each([
    ['query and conflicting data', '/kw?id=1', { id: '2' }, '/kw?id=2'],
    ['a .. segment', '/kw/users/../admin', undefined, '/kw/admin'],
    ['a %2e%2e segment', '/kw/users/%2e%2e/admin', undefined, '/kw/admin'],
    ['an array in data', '/kw', { id: ['1', '2'] }, '/kw?id=1&id=2'],
    ['a __proto__ parameter', '/kw?__proto__=x&a=1', undefined, '/kw?a=1'],
    ['a fragment with data', '/kw#frag', { q: 1 }, '/kw#frag?q=1'],
  ])('%s: each read is answered with its own request’s answer', async (_name, first, data, second) => {
    const sync = createSync();
    const a = (await read(sync, server.url(first), data ? { data } : {})) as Answer;
    const b = (await read(sync, server.url(second))) as Answer;
    // The echo says what the server got: every answer is its own request's, whatever the cache holds.
    const sentA = server.requests.at(-2)!.url;
    expect(a.url).toBe(sentA);
    expect(b.url).toBe(server.requests.at(-1)!.url);
    expect(b.url).not.toBe(a.url);
    // And a repeat of the first is a hit with the first's answer.
    await expect(read(sync, server.url(first), data ? { data } : {})).resolves.toEqual(a);
  });

  test('a fragment is never sent: data goes before it, as jQuery sends it, and the key is the same request', async () => {
    const sync = createSync();
    const a = (await read(sync, server.url('/frag#top'), { data: { q: 'x' } })) as Answer;
    expect(a.url).toBe('/frag?q=x');
    const before = server.requests.length;
    await expect(read(sync, server.url('/frag'), { data: { q: 'x' } })).resolves.toEqual(a);
    expect(server.requests.length).toBe(before);
  });

  test('invalidate, then read, in the same millisecond, again and again: every read after an invalidation is stored', async () => {
    const path = fresh('tick');
    let n = 0;
    server.route(path, (_req, res) => sendJSON(res, { n: ++n }));
    const sync = createSync();
    for (let i = 1; i <= 20; i++) {
      await sync.cache.invalidate(server.url(path));
      await expect(read(sync, server.url(path))).resolves.toEqual({ n: i });
      await expect(read(sync, server.url(path))).resolves.toEqual({ n: i });
    }
    expect(n).toBe(20);
  });

  test('a write invalidates the URLs its response names in Location and Content-Location (same origin only)', async () => {
    const item = fresh('created');
    let n = 0;
    server.route(item, (_req, res) => sendJSON(res, { n: ++n }));
    server.route(`POST /collection${item}`, (_req, res) =>
      sendJSON(res, { id: 5 }, 201, { location: item, 'content-location': 'http://elsewhere.test/x' }),
    );
    const sync = createSync();
    await read(sync, server.url(item));
    await read(sync, server.url(item));
    expect(n).toBe(1);
    await sync('create', { url: server.url(`/collection${item}`), toJSON: () => ({}) });
    await expect(read(sync, server.url(item))).resolves.toEqual({ n: 2 });
  });
});

/** A resource with an ETag that counts its 200s and 304s. */
function etagResource(cacheControl: string, validator: 'etag' | 'last-modified' = 'etag') {
  const path = fresh('etag');
  const counts = { full: 0, notModified: 0 };
  let version = 1;
  const lastModified = new Date(Date.now() - 60_000).toUTCString();
  server.route(path, (req, res) => {
    const tag = `"v${version}"`;
    const matches =
      validator === 'etag' ? req.headers['if-none-match'] === tag : req.headers['if-modified-since'] === lastModified;
    const headers = {
      'cache-control': cacheControl,
      ...(validator === 'etag' ? { etag: tag } : { 'last-modified': lastModified }),
      'x-version': String(version),
    };
    if (matches) {
      counts.notModified++;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    counts.full++;
    sendJSON(res, { version }, 200, headers);
  });
  return { url: server.url(path), counts, bump: () => version++ };
}

describe('revalidation', () => {
  test.each(['etag', 'last-modified'] as const)(
    'a stale entry with a validator (%s) is revalidated: a 304 answers 200 success with the stored body',
    async (validator) => {
      const resource = etagResource('max-age=0', validator);
      const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
      await expect(readWithStatus(sync, resource.url)).resolves.toMatchObject({ status: 'miss' });
      for (let i = 0; i < 3; i++) {
        await expect(readWithStatus(sync, resource.url)).resolves.toEqual({
          body: { version: 1 },
          status: 'revalidated',
          httpStatus: 200,
          textStatus: 'success',
        });
      }
      expect(resource.counts).toEqual({ full: 1, notModified: 3 });
    },
  );

  test('a changed resource answers 200 with the new body, which replaces the entry', async () => {
    const resource = etagResource('max-age=0');
    const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    await read(sync, resource.url);
    resource.bump();
    await expect(readWithStatus(sync, resource.url)).resolves.toMatchObject({ body: { version: 2 }, status: 'miss' });
    await expect(readWithStatus(sync, resource.url)).resolves.toMatchObject({
      body: { version: 2 },
      status: 'revalidated',
    });
    expect(resource.counts).toEqual({ full: 2, notModified: 1 });
  });

  test("a request's own Cache-Control: no-cache forces revalidation of a fresh entry; no-store bypasses", async () => {
    const resource = etagResource('max-age=600');
    const sync = createSync({ cacheGrace: 60 });
    await read(sync, resource.url);
    await expect(readWithStatus(sync, resource.url)).resolves.toMatchObject({ status: 'hit' });
    const noCache = { headers: { 'cache-control': 'no-cache' } };
    await expect(readWithStatus(sync, resource.url, noCache)).resolves.toMatchObject({ status: 'revalidated' });
    const noStore = { headers: { 'cache-control': 'no-store' } };
    await expect(readWithStatus(sync, resource.url, noStore)).resolves.toMatchObject({ status: 'bypass' });
    expect(resource.counts).toEqual({ full: 2, notModified: 1 });
  });
});

describe('stale-if-error', () => {
  function failing(mode: { now: 'ok' | '500' | 'reset' | 'hang' }, held: ServerResponse[]) {
    const path = fresh('sie');
    server.route(path, (_req, res) => {
      if (mode.now === '500') return sendJSON(res, { error: 'down' }, 500);
      if (mode.now === 'reset') return res.socket?.destroy();
      if (mode.now === 'hang') return void held.push(res);
      sendJSON(res, { fresh: true }, 200, { 'cache-control': 'max-age=0' });
    });
    return server.url(path);
  }

  test('a 500, a reset connection and no answer before the deadline each answer with the stale entry', async () => {
    const held: ServerResponse[] = [];
    const mode: { now: 'ok' | '500' | 'reset' | 'hang' } = { now: 'ok' };
    const url = failing(mode, held);
    const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    await read(sync, url);
    try {
      for (const failure of ['500', 'reset', 'hang'] as const) {
        mode.now = failure;
        await expect(readWithStatus(sync, url, { timeout: 1000 })).resolves.toMatchObject({
          body: { fresh: true },
          status: 'stale',
          httpStatus: 200,
          textStatus: 'success',
        });
      }
    } finally {
      for (const res of held) res.socket?.destroy();
    }
  });

  test('staleIfError: false fails as the server did; without an entry there is nothing to fall back on', async () => {
    const mode: { now: 'ok' | '500' | 'reset' | 'hang' } = { now: 'ok' };
    const url = failing(mode, []);
    const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    await read(sync, url);
    mode.now = '500';
    await expect(read(sync, url, { staleIfError: false })).rejects.toMatchObject({ status: 500 });
    const other = failing({ now: '500' }, []);
    await expect(read(sync, other)).rejects.toMatchObject({ status: 500 });
  });

  test('a must-revalidate entry never stands in for a failed request', async () => {
    const path = fresh('must');
    let fail = false;
    server.route(path, (_req, res) =>
      fail ? sendJSON(res, {}, 503) : sendJSON(res, { ok: 1 }, 200, { 'cache-control': 'max-age=0, must-revalidate' }),
    );
    const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    await read(sync, server.url(path));
    fail = true;
    await expect(read(sync, server.url(path))).rejects.toMatchObject({ status: 503 });
  });
});

describe('stale-while-revalidate', () => {
  test('50 concurrent stale reads answer at once from the entry and make one background request', async () => {
    const path = fresh('swr');
    let n = 0;
    const held: ServerResponse[] = [];
    server.route(path, (_req, res) => {
      n++;
      if (n === 1) return sendJSON(res, { n }, 200, { 'cache-control': 'max-age=0, stale-while-revalidate=60' });
      held.push(res);
    });
    const sync = createSync({ defaultCacheTime: 'http' });
    await read(sync, server.url(path));
    const reads = await Promise.all(Array.from({ length: 50 }, () => readWithStatus(sync, server.url(path))));
    expect(new Set(reads.map((r) => JSON.stringify([r.body, r.status])))).toEqual(
      new Set([JSON.stringify([{ n: 1 }, 'stale'])]),
    );
    // Every read has its answer while the one refresh is still held by the server.
    for (let i = 0; i < 50 && held.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(held).toHaveLength(1);
    expect(n).toBe(2);
    sendJSON(held[0], { n: 2 }, 200, { 'cache-control': 'max-age=60' });
    for (let i = 0; i < 100; i++) {
      const { status } = await readWithStatus(sync, server.url(path));
      if (status === 'hit') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await expect(readWithStatus(sync, server.url(path))).resolves.toMatchObject({ body: { n: 2 }, status: 'hit' });
    expect(n).toBe(2);
  });

  test('a call may ask for it within the grace period (staleWhileRevalidate: true)', async () => {
    const resource = etagResource('max-age=0');
    const sync = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    await read(sync, resource.url);
    await expect(readWithStatus(sync, resource.url, { staleWhileRevalidate: true })).resolves.toMatchObject({
      status: 'stale',
    });
    for (let i = 0; i < 100 && resource.counts.notModified === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(resource.counts).toEqual({ full: 1, notModified: 1 });
  });
});

describe("cacheTime: 'http'", () => {
  test.each([
    ['max-age=60', true],
    ['max-age=0', false],
    ['max-age=0, s-maxage=60', true],
    ['no-cache', false],
  ])('Cache-Control %s: the second read is a hit: %s', async (cacheControl, hit) => {
    const path = fresh('http');
    server.route(path, (_req, res) => sendJSON(res, { ok: 1 }, 200, { 'cache-control': cacheControl }));
    const sync = createSync({ defaultCacheTime: 'http' });
    await read(sync, server.url(path));
    await expect(readWithStatus(sync, server.url(path))).resolves.toMatchObject({ status: hit ? 'hit' : 'miss' });
  });

  test.each([
    [60_000, true],
    [-60_000, false],
  ])('Expires %d ms from the Date header: a hit: %s', async (offset, hit) => {
    const path = fresh('expires');
    server.route(path, (_req, res) =>
      sendJSON(res, { ok: 1 }, 200, {
        date: new Date().toUTCString(),
        expires: new Date(Date.now() + offset).toUTCString(),
      }),
    );
    const sync = createSync();
    await read(sync, server.url(path), { cacheTime: 'http' });
    await expect(readWithStatus(sync, server.url(path), { cacheTime: 'http' })).resolves.toMatchObject({
      status: hit ? 'hit' : 'miss',
    });
  });

  test('a number of seconds still overrides what the response says (1.1.1): max-age=0 is cached for the app', async () => {
    const path = fresh('app-ttl');
    server.route(path, (_req, res) => sendJSON(res, { ok: 1 }, 200, { 'cache-control': 'max-age=0' }));
    const sync = createSync();
    await read(sync, server.url(path), { cacheTime: 60 });
    await expect(readWithStatus(sync, server.url(path))).resolves.toMatchObject({ status: 'hit' });
  });
});

describe('what the app sees', () => {
  test('xhr.cacheStatus and the stored response headers (any x- header) on a hit', async () => {
    const path = fresh('status');
    server.route(path, (_req, res) => sendJSON(res, { ok: 1 }, 200, { 'x-ratelimit-remaining': '41' }));
    const sync = createSync();
    const first = read(sync, server.url(path));
    await first;
    const second = read(sync, server.url(path));
    await second;
    const off = sync('read', { url: server.url(path) });
    await off;
    expect([first.cacheStatus, second.cacheStatus, off.cacheStatus]).toEqual(['miss', 'hit', 'off']);
    expect(second.getResponseHeader('x-ratelimit-remaining')).toBe('41');
  });
});
