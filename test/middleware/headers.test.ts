import { createSync } from '../../lib/index';
import { SyncError } from '../../lib/errors';
import { headers } from '../../middleware/index';
import { fakeContext } from '../helpers/fake-context';
import { TestServer } from '../helpers/test-server';

const next = () => Promise.resolve();

describe('headers() built-in step', () => {
  test('Accept: application/json, then sync.headers, options.headers and request headers, later winning', async () => {
    const ctx = fakeContext(
      { headers: { 'content-type': 'application/json', 'x-set-by-beforesend': '1' } },
      {
        headers: { 'X-Call': 'call', 'X-Both': 'options' },
      },
    );
    ctx.sync.headers = { 'X-Instance': 'instance', 'X-Both': 'instance' };
    await headers()(ctx, next);
    expect(ctx.request.headers).toEqual({
      accept: 'application/json',
      'x-instance': 'instance',
      'x-call': 'call',
      'x-both': 'options',
      'content-type': 'application/json',
      'x-set-by-beforesend': '1',
    });
  });

  test('a given Accept wins; sync.headers may be a function of the context', async () => {
    const ctx = fakeContext({}, { headers: { Accept: 'text/csv' } });
    ctx.sync.headers = (c) => ({ 'x-method': c.request.method });
    await headers()(ctx, next);
    expect(ctx.request.headers).toMatchObject({ accept: 'text/csv', 'x-method': 'GET' });
  });

  test('null and undefined values are skipped; numbers and booleans become strings', async () => {
    const ctx = fakeContext({}, { headers: { 'x-a': undefined, 'x-b': null, 'x-n': 5, 'x-t': true } as never });
    await headers()(ctx, next);
    expect(ctx.request.headers).toEqual({ accept: 'application/json', 'x-n': '5', 'x-t': 'true' });
  });

  test.each([
    [{ 'x-evil': 'a\r\nSet-Cookie: x=1' }, /contains CR, LF or NUL/],
    [{ 'bad name': 'v' }, /Invalid header name "bad name"/],
    [{ 'x-object': { nested: 1 } }, /must be a string, got object/],
  ])('refuses %p before anything reaches the wire', async (bad, message) => {
    const ctx = fakeContext({}, { headers: bad as never });
    const inner = jest.fn(next);
    const error = await (async () => headers()(ctx, inner))().catch((e) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error.code).toBe('ERR_INVALID_REQUEST');
    expect(error.message).toMatch(message);
    expect(inner).not.toHaveBeenCalled();
  });
});

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
