import { createSync } from '../../lib/index';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
function resource(body: unknown, headers: Record<string, string> = {}) {
  const path = `/handoff-${++counter}`;
  server.route(path, (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { etag: '"v1"' });
      return res.end();
    }
    sendJSON(res, body, 200, headers);
  });
  return { url: server.url(path), path };
}

const gets = (path: string) => server.requests.filter((request) => request.path === path).map((r) => r.method);

describe('server-to-browser hand-off: sync.cache.snapshot() and sync.cache.hydrate()', () => {
  test('three reads of a render are hits in another instance (the browser) without a request; a stale one a 304', async () => {
    const a = resource({ id: 1, title: 'Dune' });
    const b = resource({ id: 2, title: '</script><script>alert(1)</script> & <b>' });
    const c = resource({ id: 3 }, { etag: '"v1"', 'cache-control': 'no-cache' });
    const render = createSync({ cacheGrace: 60 });
    for (const { url } of [a, b, c]) await render('read', { url }, { cache: true });
    const snapshot = render.cache.snapshot();
    expect(snapshot.entries).toHaveLength(3);
    const embedded = JSON.stringify(snapshot);
    // Nothing in it can end a <script> or open a tag: every entry is base64.
    expect(embedded).not.toMatch(/[<>&\u2028\u2029]/);

    const browser = createSync();
    await expect(browser.cache.hydrate(JSON.parse(embedded))).resolves.toBe(3);
    const statuses: string[] = [];
    const bodies: unknown[] = [];
    for (const { url } of [a, b, c]) {
      const xhr = browser('read', { url }, { cache: true });
      bodies.push(await xhr);
      statuses.push(xhr.cacheStatus!);
    }
    expect(statuses).toEqual(['hit', 'hit', 'revalidated']);
    expect(bodies[1]).toEqual({ id: 2, title: '</script><script>alert(1)</script> & <b>' });
    expect(gets(a.path)).toEqual(['GET']);
    expect(gets(b.path)).toEqual(['GET']);
    expect(gets(c.path)).toEqual(['GET', 'GET']);
  });

  test('entries cached per user stay out unless the snapshot is made for that user; bypassed reads never appear', async () => {
    const mine = resource({ me: 'alice' });
    const open = resource({ open: true });
    const render = createSync();
    const token = { headers: { authorization: 'Bearer alice' } };
    await render('read', { url: mine.url }, { cache: true, cacheScope: 'user', ...token });
    await render('read', { url: open.url }, { cache: true, ...token });
    await render('read', { url: open.url }, { cache: true });
    expect(render.cache.snapshot().entries).toHaveLength(1);
    const forAlice = render.cache.snapshot({ includeUserEntries: true });
    expect(forAlice.entries).toHaveLength(2);
    // The credential itself never travels: the hydrated request is keyed without it.
    const decoded = forAlice.entries.map((entry) => Buffer.from(entry, 'base64').toString('utf8')).join('\n');
    expect(decoded).not.toContain('Bearer alice');
  });

  test('hydrate() refuses what is not a snapshot', async () => {
    const sync = createSync();
    await expect(sync.cache.hydrate({})).rejects.toThrow('hydrate(snapshot) needs what sync.cache.snapshot() returned');
    await expect(sync.cache.hydrate({ v: 1, entries: ['not base64 json'] })).rejects.toThrow(/not one of a snapshot/);
  });
});
