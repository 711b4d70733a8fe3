import { headers } from '../../middleware/headers';
import { SyncError } from '../../lib/errors';
import { fakeContext } from '../helpers/fake-context';

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

describe('headers(objectOrFunction) injection step', () => {
  test('adds the given headers, overriding earlier ones, and calls next', async () => {
    const ctx = fakeContext({ headers: { 'x-xapp-token': 'old' } });
    const inner = jest.fn(next);
    await headers({ 'X-Xapp-Token': 'new' })(ctx, inner);
    expect(ctx.request.headers['x-xapp-token']).toBe('new');
    expect(inner).toHaveBeenCalledTimes(1);
  });

  test('takes a function of the context', async () => {
    const ctx = fakeContext({ url: 'http://api.test/users/1' });
    await headers((c) => ({ 'x-url': c.request.url }))(ctx, next);
    expect(ctx.request.headers['x-url']).toBe('http://api.test/users/1');
  });

  test('bad arguments throw a TypeError at setup', () => {
    expect(() => headers(42 as never)).toThrow(TypeError);
    expect(() => headers(null as never)).toThrow(TypeError);
  });

  test('the step function is named, for print() and stack traces', () => {
    expect(headers().name).toBe('headers');
    expect(headers({}).name).toBe('headers');
  });
});
