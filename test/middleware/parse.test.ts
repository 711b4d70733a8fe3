import { parse } from '../../middleware/parse';
import { fakeContext, respondWith } from '../helpers/fake-context';

describe('parse() step', () => {
  test('a 2xx body is JSON whatever the content type says', async () => {
    const ctx = fakeContext();
    await parse()(ctx, respondWith(ctx, { text: '{"a":[1]}', headers: { 'content-type': 'text/plain' } }));
    expect(ctx.response?.body).toEqual({ a: [1] });
  });

  test.each([204, 205, 304])('%i gives an undefined body even with text', async (status) => {
    const ctx = fakeContext();
    await parse()(ctx, respondWith(ctx, { status, text: 'ignored' }));
    expect(ctx.response?.body).toBeUndefined();
  });

  test('an empty 2xx body is undefined, not a parse error', async () => {
    const ctx = fakeContext();
    await parse()(ctx, respondWith(ctx, { status: 201, text: '' }));
    expect(ctx.response?.body).toBeUndefined();
  });

  test('invalid JSON on a 2xx is a parsererror that keeps the text and the SyntaxError', async () => {
    const ctx = fakeContext();
    const error = await parse()(ctx, respondWith(ctx, { text: '<html>' }))?.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_PARSE', textStatus: 'parsererror', status: 200, responseText: '<html>' });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  test('a non-2xx becomes an HTTP error keeping the parsed body, or the text when not JSON', async () => {
    const ctx = fakeContext();
    const json = await parse()(
      ctx,
      respondWith(ctx, { status: 500, statusText: 'Internal Server Error', text: '{"e":1}' }),
    )?.catch((e: unknown) => e);
    expect(json).toMatchObject({
      code: 'ERR_HTTP',
      status: 500,
      message: 'Internal Server Error',
      responseJSON: { e: 1 },
    });
    const html = await parse()(
      ctx,
      respondWith(ctx, { status: 502, statusText: 'Bad Gateway', text: '<h1>down</h1>' }),
    )?.catch((e: unknown) => e);
    expect(html).toMatchObject({ status: 502, responseText: '<h1>down</h1>', responseJSON: undefined });
  });

  test('a redirect left over after maxRedirects says so', async () => {
    const ctx = fakeContext();
    const error = await parse()(
      ctx,
      respondWith(ctx, { status: 302, statusText: 'Found', headers: { location: '/loop' } }),
    )?.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_REDIRECTS', status: 302 });
    expect((error as Error).message).toContain('Too many redirects');
  });

  test('a response from a cache is left alone', async () => {
    const ctx = fakeContext();
    await parse()(ctx, respondWith(ctx, { text: 'not json', body: { cached: true }, fromCache: true }));
    expect(ctx.response?.body).toEqual({ cached: true });
  });
});
