import type { ServerResponse } from 'node:http';
import { createSync, SyncError } from '../../lib/index';
import { dedupe } from '../../middleware/index';
import { TestServer, sendJSON } from '../helpers/test-server';
import { until } from '../helpers/wait';

/** Holds a route's responses until released, and records which ones the client gave up on. */
function heldRoute(server: TestServer, path: string) {
  const held: ServerResponse[] = [];
  const abandoned: ServerResponse[] = [];
  server.route(path, (_req, res) => {
    held.push(res);
    res.on('close', () => {
      if (res.writableFinished) return;
      abandoned.push(res);
      if (held.includes(res)) held.splice(held.indexOf(res), 1);
    });
  });
  return {
    held,
    abandoned,
    release(body: unknown = { ok: true }, status = 200) {
      for (const res of held.splice(0)) sendJSON(res, body, status);
    },
  };
}

describe('dedupe() setup', () => {
  test('bad options throw a TypeError at setup', () => {
    expect(() => dedupe(null as never)).toThrow(TypeError);
    expect(() => dedupe({ ignoreHeaders: 'x-request-id' as never })).toThrow(
      'dedupe(): ignoreHeaders must be an array of header names',
    );
    expect(() => dedupe({ ignoreHeaders: [''] })).toThrow(TypeError);
    expect(() => dedupe({ vary: ['accept'] } as never)).toThrow(/every request header is part of the key/);
  });

  test('sits inside parse by default, and refuses a place outside it', () => {
    expect(createSync().use(dedupe()).steps()).toEqual(['timeout', 'headers', 'cache', 'parse', 'dedupe', 'transport']);
    expect(() => createSync().use('dedupe', dedupe(), { before: 'cache' })).toThrow(
      'Step "dedupe" must sit after (inside) "parse" (each caller parses its own copy of the shared body), but it would run outside it',
    );
  });
});

describe('dedupe() against a real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  function requestsTo(path: string) {
    return server.requests.filter((request) => request.path === path).length;
  }

  test('a burst of identical reads makes one request; each caller gets its own body', async () => {
    const route = heldRoute(server, '/burst');
    const sync = createSync().use(dedupe());
    const calls = [1, 2, 3, 4, 5].map(() => sync('read', { url: server.url('/burst') }));
    await until(() => route.held.length === 1);
    route.release({ tags: ['a', 'b'] });
    const bodies = (await Promise.all(calls)) as Array<{ tags: string[] }>;
    expect(requestsTo('/burst')).toBe(1);
    expect(bodies.every((body) => JSON.stringify(body) === '{"tags":["a","b"]}')).toBe(true);
    expect(new Set(bodies).size).toBe(5);
    bodies[0].tags.push('mutated');
    expect(bodies[1].tags).toEqual(['a', 'b']);
  });

  test('each caller parses the shared response with its own options', async () => {
    const route = heldRoute(server, '/typed');
    const sync = createSync().use(dedupe());
    const asJSON = sync('read', { url: server.url('/typed') });
    const asText = sync('read', { url: server.url('/typed') }, { dataType: 'text' });
    await until(() => route.held.length === 1);
    route.release({ n: 1 });
    await expect(asJSON).resolves.toEqual({ n: 1 });
    await expect(asText).resolves.toBe('{"n":1}');
    expect(requestsTo('/typed')).toBe(1);
  });

  test('different queries, languages or credentials, and writes, are not shared', async () => {
    const sync = createSync().use(dedupe());
    const before = server.requests.length;
    await Promise.all([
      sync('read', { url: server.url('/items') }, { data: { page: 1 } }),
      sync('read', { url: server.url('/items') }, { data: { page: 2 } }),
      sync('read', { url: server.url('/items') }, { data: { page: 1 }, headers: { 'accept-language': 'fr' } }),
      sync('read', { url: server.url('/items') }, { data: { page: 1 }, headers: { authorization: 'Bearer other' } }),
      sync('create', { url: server.url('/items'), toJSON: () => ({ a: 1 }) }, {}),
      sync('create', { url: server.url('/items'), toJSON: () => ({ a: 1 }) }, {}),
    ]);
    expect(server.requests.length - before).toBe(6);
  });

  test('reads with any credential are never shared across users: every private header, in any case', async () => {
    const route = heldRoute(server, '/private');
    const sync = createSync({ privateHeaders: ['x-api-key'] })
      .use(dedupe())
      .use(
        'mixed-case',
        (ctx, next) => {
          // A user step writing a credential in its own case must still count.
          if (ctx.options.as) ctx.request.headers.Authorization = String(ctx.options.as);
          return next();
        },
        { before: 'dedupe' },
      );
    const calls = [
      sync('read', { url: server.url('/private') }, { headers: { 'x-api-key': 'alice' } }),
      sync('read', { url: server.url('/private') }, { headers: { 'x-api-key': 'bob' } }),
      sync('read', { url: server.url('/private') }, { headers: { 'proxy-authorization': 'Basic alice' } }),
      sync('read', { url: server.url('/private') }, { headers: { 'proxy-authorization': 'Basic bob' } }),
      sync('read', { url: server.url('/private') }, { as: 'Bearer alice' }),
      sync('read', { url: server.url('/private') }, { as: 'Bearer bob' }),
      sync('read', { url: server.url('/private') }),
    ];
    await until(() => route.held.length === 7);
    route.release();
    await Promise.all(calls);
    expect(requestsTo('/private')).toBe(7);
    // The same credential twice is the same read.
    const again = [
      sync('read', { url: server.url('/private') }, { headers: { 'x-api-key': 'alice' } }),
      sync('read', { url: server.url('/private') }, { headers: { 'X-Api-Key': 'alice' } }),
    ];
    await until(() => route.held.length === 1);
    route.release();
    await Promise.all(again);
    expect(requestsTo('/private')).toBe(8);
  });

  test('a read that starts after a write never joins a read that started before it', async () => {
    const route = heldRoute(server, '/doc');
    server.route('PUT /doc', (_req, res) => sendJSON(res, { v: 'new' }));
    const sync = createSync().use(dedupe());
    const early = sync('read', { url: server.url('/doc') });
    await until(() => route.held.length === 1);
    await sync('update', { url: server.url('/doc'), toJSON: () => ({ v: 'new' }) });
    const late = sync('read', { url: server.url('/doc') });
    await until(() => route.held.length === 2);
    route.release({ v: 'whatever the server says now' });
    await Promise.all([early, late]);
    expect(server.requests.filter((r) => r.path === '/doc').map((r) => r.method)).toEqual(['GET', 'PUT', 'GET']);
  });

  test('reordered query data is another request (other bytes on the wire), identical data the same one', async () => {
    const route = heldRoute(server, '/same');
    const sync = createSync().use(dedupe());
    const a = sync('read', { url: server.url('/same') }, { data: { a: 1, b: 2 } });
    const b = sync('read', { url: server.url('/same') }, { data: { b: 2, a: 1 } });
    const c = sync('read', { url: server.url('/same') }, { data: { a: 1, b: 2 } });
    await until(() => route.held.length === 2);
    route.release();
    await Promise.all([a, b, c]);
    expect(requestsTo('/same')).toBe(2);
  });

  test('reads that start after the shared one settled make a new request', async () => {
    const sync = createSync().use(dedupe());
    await sync('read', { url: server.url('/again') });
    await sync('read', { url: server.url('/again') });
    expect(requestsTo('/again')).toBe(2);
  });

  test('the leader failing on the network fails every caller, and the next read starts afresh', async () => {
    let hits = 0;
    server.route('/reset', (_req, res) => {
      hits++;
      if (hits === 1) setTimeout(() => res.socket?.destroy(), 50);
      else sendJSON(res, { recovered: true });
    });
    // No keep-alive: a reset on a reused socket would be retried once by the transport (a second hit).
    const sync = createSync({ agent: false }).use(dedupe());
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => sync('read', { url: server.url('/reset') })));
    expect(hits).toBe(1);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as SyncError).code)).toEqual([
      'ERR_NETWORK',
      'ERR_NETWORK',
      'ERR_NETWORK',
    ]);
    await expect(sync('read', { url: server.url('/reset') })).resolves.toEqual({ recovered: true });
    expect(hits).toBe(2);
  });

  test('an HTTP error is shared as a response: each caller gets its own SyncError with the body', async () => {
    const route = heldRoute(server, '/broken');
    const sync = createSync().use(dedupe());
    const calls = [1, 2].map(() => sync('read', { url: server.url('/broken') }).catch((error: SyncError) => error));
    await until(() => route.held.length === 1);
    route.release({ error: 'boom' }, 500);
    const [a, b] = await Promise.all(calls);
    expect(a).toMatchObject({ code: 'ERR_HTTP', status: 500, responseJSON: { error: 'boom' } });
    expect(b).toMatchObject({ code: 'ERR_HTTP', status: 500, responseJSON: { error: 'boom' } });
    expect(a).not.toBe(b);
  });

  test("the leader's abort does not abort the shared request", async () => {
    const route = heldRoute(server, '/leader-abort');
    const sync = createSync().use(dedupe());
    const leader = sync('read', { url: server.url('/leader-abort') });
    const follower = sync('read', { url: server.url('/leader-abort') });
    await until(() => route.held.length === 1);
    leader.abort();
    await expect(leader).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    route.release({ still: 'here' });
    await expect(follower).resolves.toEqual({ still: 'here' });
    expect(route.abandoned.length).toBe(0);
  });

  test("the leader's timeout does not cut the request a follower with more time waits for", async () => {
    const route = heldRoute(server, '/leader-timeout');
    const sync = createSync().use(dedupe());
    const leader = sync('read', { url: server.url('/leader-timeout') }, { timeout: 30 });
    const follower = sync('read', { url: server.url('/leader-timeout') }, { timeout: 10_000 });
    await expect(leader).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    await until(() => route.held.length === 1);
    route.release({ late: true });
    await expect(follower).resolves.toEqual({ late: true });
  });

  test('when every caller has aborted, the shared request is aborted', async () => {
    const route = heldRoute(server, '/all-abort');
    const controller = new AbortController();
    const sync = createSync().use(dedupe());
    const a = sync('read', { url: server.url('/all-abort') });
    const b = sync('read', { url: server.url('/all-abort') }, { signal: controller.signal });
    await until(() => route.held.length === 1);
    a.abort();
    await expect(a).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(route.abandoned.length).toBe(0);
    controller.abort();
    await expect(b).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await until(() => route.abandoned.length === 1);
    // A read after that starts its own request.
    const c = sync('read', { url: server.url('/all-abort') });
    await until(() => route.held.length === 1);
    route.release({ fresh: true });
    await expect(c).resolves.toEqual({ fresh: true });
  });
});
