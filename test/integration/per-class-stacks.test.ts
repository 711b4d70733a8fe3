import Backbone from 'backbone';
import superSync from '../../lib/index';
import type { SyncInstance } from '../../lib/index';
import { headers, logger, retry } from '../../middleware/index';
import { TestServer, sendJSON } from '../helpers/test-server';

describe('per-class stacks: Backbone.sync.extend().use(...)', () => {
  let server: TestServer;
  const originalSync = Backbone.sync;
  beforeAll(async () => {
    server = await TestServer.start();
    Backbone.sync = superSync as unknown as typeof Backbone.sync;
  });
  afterAll(async () => {
    Backbone.sync = originalSync;
    await server.close();
  });

  test('two model classes with different stacks, side by side, and the shared sync untouched', async () => {
    let artworkHits = 0;
    server.route('/artworks/1', (_req, res) => {
      artworkHits++;
      if (artworkHits === 1) sendJSON(res, { error: 'busy' }, 503);
      else sendJSON(res, { id: 1, title: 'Mona Lisa' });
    });
    server.route('/artists/1', (_req, res) => sendJSON(res, { id: 1, name: 'Leonardo' }));
    const lines: string[] = [];
    const shared = Backbone.sync as unknown as SyncInstance;
    const defaultSteps = shared.steps();

    const Artist = Backbone.Model.extend({
      urlRoot: server.url('/artists'),
      sync: shared.extend().use('kind', headers({ 'x-kind': 'artist' })),
    });
    const Artwork = Backbone.Model.extend({
      urlRoot: server.url('/artworks'),
      sync: shared
        .extend()
        .use(retry({ minDelay: 1, maxDelay: 5 }))
        .use(logger({ log: (line) => lines.push(line) })),
    });

    const artist = new Artist({ id: 1 });
    const artwork = new Artwork({ id: 1 });
    await Promise.all([artist.fetch(), artwork.fetch()]);

    expect(artist.get('name')).toBe('Leonardo');
    expect(artwork.get('title')).toBe('Mona Lisa');
    const artistRequest = server.requests.find((r) => r.path === '/artists/1')!;
    const artworkRequests = server.requests.filter((r) => r.path === '/artworks/1');
    expect(artistRequest.headers['x-kind']).toBe('artist');
    expect(artworkRequests).toHaveLength(2);
    expect(artworkRequests.every((r) => r.headers['x-kind'] === undefined)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\/artworks\/1 200 \d+ms cache=off retries=1$/);

    expect(Artist.prototype.sync.steps()).toEqual(['timeout', 'headers', 'kind', 'cache', 'parse', 'transport']);
    expect(Artwork.prototype.sync.steps()).toEqual([
      'timeout',
      'headers',
      'logger',
      'retry',
      'cache',
      'parse',
      'transport',
    ]);
    expect(shared.steps()).toEqual(defaultSteps);

    // A plain model still goes through the shared sync: no header, no retry.
    const plain = new (Backbone.Model.extend({ url: server.url('/artworks/1') }))();
    artworkHits = 0;
    await plain.fetch().catch(() => {});
    expect(artworkHits).toBe(1);
    expect(plain.has('title')).toBe(false);
  });
});
