import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
/** A list with an ETag and a Last-Modified; a 304 when either validator matches. */
function listRoute(items: unknown[]) {
  const path = `/list-${++counter}`;
  const lastModified = new Date(Date.now() - 60_000).toUTCString();
  const statuses: number[] = [];
  server.route(path, (req, res) => {
    const fresh = req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === lastModified;
    statuses.push(fresh ? 304 : 200);
    if (fresh) {
      res.writeHead(304, { etag: '"v1"' });
      return res.end();
    }
    sendJSON(res, items, 200, { etag: '"v1"', 'last-modified': lastModified });
  });
  return { url: server.url(path), statuses, lastModified };
}

describe("ifModified: jQuery's conditional reads, and a 304 that leaves the model alone", () => {
  test('a collection fetched again with reset: a 304 keeps its models and still fires sync (Backbone issue 3412)', async () => {
    const route = listRoute([{ id: 1 }, { id: 2 }]);
    const { Collection } = backboneWith({}, route.url);
    const list = new Collection();
    const events = recordEvents(list);
    const textStatuses: string[] = [];
    for (let i = 0; i < 2; i++) {
      const xhr = list.fetch({ ifModified: true, reset: true });
      await xhr;
      textStatuses.push((xhr as unknown as { textStatus: string }).textStatus);
    }
    expect(route.statuses).toEqual([200, 304]);
    expect(textStatuses).toEqual(['success', 'notmodified']);
    expect(list.pluck('id')).toEqual([1, 2]);
    expect(events.filter(([name]) => name === 'sync')).toHaveLength(2);
    expect(events.filter(([name]) => name === 'reset')).toHaveLength(1);
    const seen = server.requests.filter((request) => request.path === new URL(route.url).pathname);
    expect(seen[1].headers['if-none-match']).toBe('"v1"');
    expect(seen[1].headers['if-modified-since']).toBe(route.lastModified);
  });

  test('a model whose parse cannot take nothing survives a 304; without ifModified nothing conditional is sent', async () => {
    const route = listRoute({ id: 1, title: 'Dune' } as never);
    const { Model } = backboneWith({}, route.url);
    const Strict = Model.extend({ parse: (resp: { title: string }) => ({ ...resp, title: resp.title.toUpperCase() }) });
    const book = new Strict();
    book.url = route.url;
    await book.fetch();
    await book.fetch();
    expect(route.statuses).toEqual([200, 200]);
    await book.fetch({ ifModified: true });
    await book.fetch({ ifModified: true });
    expect(route.statuses).toEqual([200, 200, 200, 304]);
    expect(book.toJSON()).toEqual({ id: 1, title: 'DUNE' });
  });

  test('an empty 204 with a JSON content type is a success, not a parse error', async () => {
    server.route('/empty-204', (_req, res) => {
      res.writeHead(204, { 'content-type': 'application/json' });
      res.end();
    });
    const { Model } = backboneWith({}, server.url('/empty-204'));
    const model = new Model({ id: 1, kept: true });
    model.url = server.url('/empty-204');
    await expect(model.fetch()).resolves.toBeUndefined();
    expect(model.toJSON()).toEqual({ id: 1, kept: true });
  });
});
