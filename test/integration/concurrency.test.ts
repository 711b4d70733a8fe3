import { concurrency } from '../../middleware/index';
import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

/** One document with a version: GET and writes carry `ETag: "vN"`; a write whose If-Match is not current gets 412. */
function documentRoute(path: string) {
  const doc = { id: 1, title: 'Draft', version: 1 };
  const ifMatch: Array<string | undefined> = [];
  server.route(path, (req, res) => {
    const etag = `"v${doc.version}"`;
    if (req.method === 'GET') return sendJSON(res, doc, 200, { etag });
    ifMatch.push(req.headers['if-match'] as string | undefined);
    if (req.headers['if-match'] !== undefined && req.headers['if-match'] !== etag) {
      return sendJSON(res, doc, 412, { etag });
    }
    Object.assign(doc, JSON.parse(req.body), { version: doc.version + 1 });
    sendJSON(res, doc, 200, { etag: `"v${doc.version}"` });
  });
  return { doc, ifMatch };
}

describe('concurrency(): ETag + If-Match against a real server', () => {
  test('two clients edit one model: the second save gets a conflict with the server’s version; the first survives', async () => {
    const { doc, ifMatch } = documentRoute('/docs/1');
    const clientA = backboneWith({}, server.url('/docs'));
    const clientB = backboneWith({}, server.url('/docs'));
    clientA.sync.use(concurrency());
    clientB.sync.use(concurrency());
    const a = new clientA.Model({ id: 1 });
    const b = new clientB.Model({ id: 1 });
    await Promise.all([a.fetch(), b.fetch()]);

    await a.save({ title: 'A wrote this' });
    const events = recordEvents(b);
    const failure = await b.save({ title: 'B wrote this' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_CONFLICT', textStatus: 'conflict', status: 412 });
    const conflict = events.find(([name]) => name === 'conflict');
    expect(conflict?.[2]).toEqual({ id: 1, title: 'A wrote this', version: 2 });
    expect(events.map(([name]) => name)).toEqual(expect.arrayContaining(['conflict', 'error']));
    expect(doc).toMatchObject({ title: 'A wrote this', version: 2 });
    expect(ifMatch).toEqual(['"v1"', '"v1"']);

    // B takes the server's version, and its next save goes through with the new ETag.
    await b.fetch();
    await b.save({ title: 'B, after reading A' });
    expect(doc).toMatchObject({ title: 'B, after reading A', version: 3 });
    expect(ifMatch.at(-1)).toBe('"v2"');
  });

  test('a cached read counts: the ETag of a hit or a revalidated entry is what If-Match sends', async () => {
    const { ifMatch } = documentRoute('/docs/2');
    const { Model, sync } = backboneWith({ defaultCacheTime: 60 }, server.url('/docs'));
    sync.use(concurrency());
    const first = new Model({ id: 2 });
    first.url = server.url('/docs/2');
    await first.fetch({ cache: true });
    const fromCache = new Model({ id: 2 });
    fromCache.url = server.url('/docs/2');
    const xhr = fromCache.fetch({ cache: true });
    await xhr;
    expect((xhr as unknown as { cacheStatus: string }).cacheStatus).toBe('hit');
    await fromCache.save({ title: 'edited' });
    expect(ifMatch).toEqual(['"v1"']);
  });

  test('without the step nothing is conditional: the second save silently overwrites the first (the lost update)', async () => {
    const { doc, ifMatch } = documentRoute('/docs/3');
    const a = new (backboneWith({}, server.url('/docs')).Model)({ id: 3 });
    const b = new (backboneWith({}, server.url('/docs')).Model)({ id: 3 });
    a.url = b.url = server.url('/docs/3');
    await Promise.all([a.fetch(), b.fetch()]);
    await a.save({ title: 'A' });
    await b.save({ title: 'B' });
    expect(doc.title).toBe('B');
    expect(ifMatch).toEqual([undefined, undefined]);
  });
});
