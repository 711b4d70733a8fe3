import { createSync } from '../../lib/index';
import { headers } from '../../middleware/index';
import { fakeContext } from '../helpers/fake-context';
import { TestServer } from '../helpers/test-server';

describe('headers(objectOrFunction)', () => {
  test('anything but an object or a function throws a TypeError at setup', () => {
    for (const bad of [null, 'x-token: 1', 42]) {
      expect(() => headers(bad as never)).toThrow(
        'headers() takes an object or a function of the context returning one',
      );
    }
  });

  test('is a named step that adds the headers, lower-cased, and calls next', async () => {
    const step = headers({ 'X-Xapp-Token': 'abc', 'X-Count': 2 as never });
    expect(step.name).toBe('headers');
    const ctx = fakeContext({ headers: { accept: 'application/json' } });
    const next = jest.fn(async () => {});
    await step(ctx, next);
    expect(ctx.request.headers).toEqual({ accept: 'application/json', 'x-xapp-token': 'abc', 'x-count': '2' });
    expect(next).toHaveBeenCalledTimes(1);
  });

  test('a function is called with each call’s context', async () => {
    const step = headers((ctx) => ({ 'x-model-url': String(ctx.request.url) }));
    const ctx = fakeContext({ url: 'http://api.test/a' });
    await step(ctx, async () => {});
    expect(ctx.request.headers['x-model-url']).toBe('http://api.test/a');
  });

  describe('on a real server', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await TestServer.start();
    });
    afterAll(() => server.close());

    test('use(headers(...)) sends them on every call; its name in the stack is headers-2', async () => {
      let token = 'first';
      const sync = createSync().use(headers(() => ({ 'x-xapp-token': token })));
      expect(sync.steps()).toEqual(['timeout', 'headers', 'headers-2', 'cache', 'parse', 'transport']);
      await sync('read', { url: server.url('/a') });
      expect(server.last().headers['x-xapp-token']).toBe('first');
      token = 'second';
      await sync('read', { url: server.url('/a') });
      expect(server.last().headers['x-xapp-token']).toBe('second');
    });

    test('a value that could split the header line fails the call, and nothing is sent', async () => {
      const before = server.requests.length;
      const sync = createSync().use('xapp', headers({ 'x-xapp-token': 'a\r\nx-evil: 1' }));
      await expect(sync('read', { url: server.url('/a') })).rejects.toMatchObject({
        code: 'ERR_INVALID_REQUEST',
        message: 'Header "x-xapp-token" in headers() contains CR, LF or NUL',
      });
      expect(server.requests.length).toBe(before);
    });
  });
});
