import { createSync } from '../../lib/index';
import { dedupe } from '../../middleware/index';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe('configuration assigned as a property is checked and normalised as createSync() does', () => {
  test("sync.privateHeaders = ['X-User-Token'] makes reads carrying x-user-token private for the cache", async () => {
    server.route('/me', (req, res) => sendJSON(res, { token: req.headers['x-user-token'] }));
    const sync = createSync();
    sync.privateHeaders = ['X-User-Token'];
    expect(sync.privateHeaders).toEqual(['x-user-token']);
    const alice = await sync('read', { url: server.url('/me') }, { cache: true, headers: { 'x-user-token': 'alice' } });
    const bob = await sync('read', { url: server.url('/me') }, { cache: true, headers: { 'x-user-token': 'bob' } });
    expect([alice, bob]).toEqual([{ token: 'alice' }, { token: 'bob' }]);
    expect(server.requests).toHaveLength(2);
  });

  test('... and for dedupe', async () => {
    server.route('/slow-me', (req, res) => setTimeout(() => sendJSON(res, { token: req.headers['x-user-token'] }), 40));
    const sync = createSync().use(dedupe());
    sync.privateHeaders = ['X-User-Token'];
    const [alice, bob] = await Promise.all([
      sync('read', { url: server.url('/slow-me') }, { headers: { 'x-user-token': 'alice' } }),
      sync('read', { url: server.url('/slow-me') }, { headers: { 'x-user-token': 'bob' } }),
    ]);
    expect([alice, bob]).toEqual([{ token: 'alice' }, { token: 'bob' }]);
    expect(server.requests).toHaveLength(2);
  });

  test('a bad header list assigned as a property throws the same TypeError as createSync()', () => {
    const sync = createSync();
    for (const bad of [undefined, 'x-token', [''], [42]]) {
      expect(() => {
        (sync as unknown as Record<string, unknown>).privateHeaders = bad;
      }).toThrow('privateHeaders must be an array of header names');
      if (bad !== undefined) {
        expect(() => createSync({ privateHeaders: bad as string[] })).toThrow(
          'privateHeaders must be an array of header names',
        );
      }
    }
    expect(() => {
      (sync as unknown as Record<string, unknown>).cacheIgnoreHeaders = ['X-Request-Id', 7];
    }).toThrow('cacheIgnoreHeaders must be an array of header names');
    sync.cacheIgnoreHeaders = ['X-Request-Id'];
    expect(sync.cacheIgnoreHeaders).toEqual(['x-request-id']);
  });

  test('a timeout setTimeout cannot honour, and a NaN cache time, are refused by createSync()', () => {
    expect(() => createSync({ timeout: 2 ** 31 })).toThrow(
      /^timeout must be a number of ms from 0 \(none\) to 2147483647/,
    );
    expect(() => createSync({ timeout: 2 ** 31 - 1 })).not.toThrow();
    expect(() => createSync({ defaultCacheTime: NaN })).toThrow(/defaultCacheTime/);
  });

  test('extend() copies the normalised lists', () => {
    const parent = createSync();
    parent.privateHeaders = ['X-A'];
    expect(parent.extend().privateHeaders).toEqual(['x-a']);
  });
});
