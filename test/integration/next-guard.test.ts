import { createSync, SyncError } from '../../lib/index';
import { retry } from '../../middleware/index';
import { TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe("koa-compose's guard, kept for every ordinary step", () => {
  test('a user step that calls next() twice fails the call with an error naming it; one request is sent', async () => {
    server.json('/books/1', { id: 1 });
    const sync = createSync();
    sync.use('double-next', async (_ctx, next) => {
      await next();
      await next();
    });
    const error = (await sync('read', { url: server.url('/books/1') }).catch((e) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.code).toBe('ERR_MIDDLEWARE');
    expect(error.message).toMatch(/^Step "double-next" called next\(\) more than once/);
    expect(server.requests).toHaveLength(1);
  });

  test('a step marked reentrant may send again (a retry of a 503 through the real server)', async () => {
    let calls = 0;
    server.route('/flaky', (_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ calls }));
    });
    const sync = createSync();
    sync.use(retry({ retries: 2, minDelay: 1, maxDelay: 2 }));
    await expect(sync('read', { url: server.url('/flaky') })).resolves.toEqual({ calls: 2 });
    expect(server.requests).toHaveLength(2);
  });
});
