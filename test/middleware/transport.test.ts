import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { transport } from '../../middleware/transport';
import { createSync } from '../../lib/index';
import { fakeContext } from '../helpers/fake-context';

describe('transport() step (nock)', () => {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  // nock patches node:http for the whole worker process: later test files must get the real one back.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  test('sends method, query, headers and body, and puts the raw response on ctx.response', async () => {
    const scope = nock('http://api.test', { reqheaders: { 'x-token': 't', 'content-type': 'application/json' } })
      .put('/items/1', '{"a":1}')
      .query({ page: '2', 'tags[]': ['a', 'b'] })
      .reply(200, '{"ok":true}', { 'Content-Type': 'application/json', 'X-Multi': ['1', '2'] });
    const ctx = fakeContext({
      method: 'PUT',
      url: 'http://api.test/items/1',
      query: { page: 2, tags: ['a', 'b'] },
      headers: { 'x-token': 't', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    await transport()(ctx, () => Promise.resolve());
    scope.done();
    expect(ctx.response).toEqual({
      status: 200,
      statusText: 'OK',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-multi': '1, 2' }),
      text: '{"ok":true}',
      body: undefined,
      fromCache: false,
    });
  });

  test('every status is a response here; parse judges it', async () => {
    nock('http://api.test').get('/items').reply(500, 'boom');
    const ctx = fakeContext();
    await transport()(ctx, () => Promise.resolve());
    expect(ctx.response).toMatchObject({ status: 500, statusText: 'Internal Server Error', text: 'boom' });
  });

  test('a body over maxResponseBytes fails with ERR_RESPONSE_TOO_LARGE', async () => {
    nock('http://api.test').get('/items').reply(200, 'x'.repeat(5000));
    const ctx = fakeContext();
    ctx.sync.maxResponseBytes = 1000;
    await expect(transport()(ctx, () => Promise.resolve())).rejects.toMatchObject({
      code: 'ERR_RESPONSE_TOO_LARGE',
      message: expect.stringContaining('1000 bytes'),
    });
  });

  test('a network error becomes ERR_NETWORK with the original as cause (a real socket reset)', async () => {
    // nock's replyWithError never reaches superagent's callback here, so this case uses a real server.
    nock.enableNetConnect('127.0.0.1');
    const server = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const ctx = fakeContext({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reset` });
      const error = await Promise.resolve(transport()(ctx, () => Promise.resolve())).catch((e) => e);
      expect(error).toMatchObject({ code: 'ERR_NETWORK', status: 0, message: 'socket hang up' });
      expect(error.cause.code).toBe('ECONNRESET');
    } finally {
      server.close();
      nock.disableNetConnect();
    }
  });

  test('an aborted signal rejects at once with its reason', async () => {
    const ctx = fakeContext();
    ctx.abortCall();
    await expect(transport()(ctx, () => Promise.resolve())).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  test('follows redirects up to maxRedirects', async () => {
    nock('http://api.test').get('/a').reply(302, '', { Location: '/b' }).get('/b').reply(200, '{"b":1}');
    const sync = createSync({ maxRedirects: 1 });
    await expect(sync('read', { url: 'http://api.test/a' })).resolves.toEqual({ b: 1 });
    nock('http://api.test').get('/a').reply(302, '', { Location: '/b' }).get('/b').reply(302, '', { Location: '/a' });
    await expect(sync('read', { url: 'http://api.test/a' })).rejects.toMatchObject({ code: 'ERR_TOO_MANY_REDIRECTS' });
  });
});
