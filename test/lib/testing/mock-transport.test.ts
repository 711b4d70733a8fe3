import Backbone from 'backbone';
import { createSync, SyncError } from '../../../lib/index';
import { auth, headers, retry } from '../../../middleware/index';
import { mockTransport, type MockRequest } from '../../../lib/testing/index';

/** A stack as an app configures it, answering from the mock. */
function appStack(mock: ReturnType<typeof mockTransport>, getToken: () => string) {
  return createSync()
    .use(headers({ 'x-app': 'shelf' }))
    .use(auth(getToken))
    .use(retry({ minDelay: 1, maxDelay: 2 }))
    .replace('transport', mock);
}

describe('mockTransport(): a model through the whole stack, no server', () => {
  test('fetch, save and destroy, with headers, auth (401 then a new token), retry (503 then 200) and the cache', async () => {
    const books = new Map<string, Record<string, unknown>>([['1', { id: 1, title: 'Dune' }]]);
    const mock = mockTransport([
      {
        method: 'GET',
        path: '/books/:id',
        // The first answer is a 503 (retried), then the stored book.
        reply: [{ status: 503 }, (req) => ({ body: books.get(req.params.id) ?? {}, headers: { etag: '"1"' } })],
      },
      {
        method: 'PUT',
        path: '/books/:id',
        reply: (req) =>
          req.headers.authorization === 'Bearer token-2'
            ? { body: { ...(req.body as object), saved: true } }
            : { status: 401, body: { error: 'expired' } },
      },
      { method: 'DELETE', path: /^\/books\/\d+$/, reply: { status: 204 } },
    ]);
    const tokens = ['token-1', 'token-2'];
    const sync = appStack(mock, () => tokens.shift() ?? 'none');
    const Book = Backbone.Model.extend({ urlRoot: 'http://api.test/books', sync });

    const book = new Book({ id: 1 });
    // auth() makes every read private: cached per user.
    await book.fetch({ cache: true, cacheScope: 'user' });
    expect(book.get('title')).toBe('Dune');
    const again = new Book({ id: 1 });
    await again.fetch({ cache: true, cacheScope: 'user' });
    expect(again.get('title')).toBe('Dune');

    await book.save({ title: 'Dune Messiah' });
    expect(book.toJSON()).toEqual({ id: 1, title: 'Dune Messiah', saved: true });
    await book.destroy();

    const seen = mock.calls.map((call: MockRequest) => `${call.method} ${call.path} ${call.headers.authorization}`);
    expect(seen).toEqual([
      'GET /books/1 Bearer token-1',
      'GET /books/1 Bearer token-1',
      'PUT /books/1 Bearer token-1',
      'PUT /books/1 Bearer token-2',
      'DELETE /books/1 Bearer token-2',
    ]);
    expect(mock.calls[0].headers['x-app']).toBe('shelf');
    expect(mock.calls[3].body).toEqual({ id: 1, title: 'Dune Messiah' });
  });

  test('an unmatched request fails the call, naming the request and every route', async () => {
    const mock = mockTransport([
      { method: 'GET', path: '/books/:id', reply: { body: {} } },
      { path: /^\/search/, reply: { body: [] } },
    ]);
    const sync = createSync().replace('transport', mock);
    const error = (await sync('read', { url: 'http://api.test/authors/3?x=1' }).catch((e: unknown) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(
      'mockTransport: no route for GET /authors/3?x=1; routes:\n  GET /books/:id\n  * /^\\/search/',
    );
    expect(mock.calls).toHaveLength(1);
  });

  test('params, query, a RegExp on the path with its query, and answers in turn (the last repeats)', async () => {
    const mock = mockTransport([
      { path: /\?q=dune/, reply: { body: ['found'] } },
      { method: 'get', path: '/shelves/:shelf/books/:id', reply: (req) => ({ body: req.params }) },
      { path: '/counter', reply: [{ body: 1 }, { body: 2 }] },
    ]);
    const sync = createSync().replace('transport', mock);
    await expect(sync('read', { url: '/search' }, { data: { q: 'dune' } })).resolves.toEqual(['found']);
    await expect(sync('read', { url: '/shelves/a%20b/books/7' })).resolves.toEqual({ shelf: 'a b', id: '7' });
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await sync('read', { url: '/counter' }));
    expect(counts).toEqual([1, 2, 2]);
    expect(mock.calls[0].query).toEqual({ q: 'dune' });
    mock.reset();
    expect(mock.calls).toEqual([]);
    await expect(sync('read', { url: '/counter' })).resolves.toBe(1);
  });

  test('a delay, a network error, no answer (the call times out) and an abort behave as on the network', async () => {
    const mock = mockTransport([
      { path: '/slow', reply: { delay: 30, body: { slow: true } } },
      { path: '/down', reply: { networkError: 'connect ECONNREFUSED' } },
      { path: '/hang', reply: { timeout: true } },
    ]);
    const sync = createSync().replace('transport', mock);
    const started = Date.now();
    await expect(sync('read', { url: '/slow' })).resolves.toEqual({ slow: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await expect(sync('read', { url: '/down' })).rejects.toMatchObject({ code: 'ERR_NETWORK', textStatus: 'error' });
    await expect(sync('read', { url: '/hang' }, { timeout: 50 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
      textStatus: 'timeout',
    });
    const xhr = sync('read', { url: '/hang' }, { timeout: 0 });
    setTimeout(() => xhr.abort(), 10);
    await expect(xhr).rejects.toMatchObject({ textStatus: 'abort' });
  });

  test('bad routes fail at setup', () => {
    expect(() => mockTransport({} as never)).toThrow('mockTransport(routes) takes an array of routes');
    expect(() => mockTransport([{ path: 'books', reply: {} }])).toThrow(/must start with \//);
    expect(() => mockTransport([{ path: '/b', reply: [] }])).toThrow(/needs a reply/);
    expect(() => mockTransport([{ path: '/b', method: 7 as never, reply: {} }])).toThrow(/method must be a string/);
  });
});
