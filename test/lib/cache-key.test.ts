import { canonicalJSON, requestKey } from '../../lib/cache-key';
import * as runtime from '../../lib/runtime';
import type { SyncContext, SyncRequest } from '../../lib/types';

function ctxOf(request: Partial<SyncRequest>): SyncContext {
  const full: SyncRequest = {
    method: 'GET',
    url: 'http://api.test/items',
    query: undefined,
    headers: { accept: 'application/json' },
    body: undefined,
    timeout: 0,
    ...request,
  };
  return { request: full } as SyncContext;
}

/** The documented form of a key, computed here without requestKey. */
function expectedKey(method: string, base: string, query: Record<string, unknown>, varied: string[], prefix = 'bss:') {
  return prefix + runtime.sha256Hex(canonicalJSON([method, base, query, varied]));
}

describe('requestKey()', () => {
  test('is the prefix plus the sha256 of verb, URL, sorted query and vary values, computed or remembered', () => {
    const ctx = ctxOf({ url: 'http://API.test:80/items?b=2&a=1', headers: { accept: 'application/json' } });
    const expected = expectedKey('GET', 'http://api.test/items', { a: '1', b: '2' }, ['application/json', '']);
    expect(requestKey(ctx)).toBe(expected);
    expect(requestKey(ctx)).toBe(expected);
  });

  test('a repeated request is not hashed again; a different one is', () => {
    const hash = jest.spyOn(runtime, 'sha256Hex');
    try {
      const url = `http://api.test/remembered-${Date.now()}`;
      requestKey(ctxOf({ url }));
      requestKey(ctxOf({ url }));
      expect(hash).toHaveBeenCalledTimes(1);
      requestKey(ctxOf({ url: url + '/other' }));
      expect(hash).toHaveBeenCalledTimes(2);
    } finally {
      hash.mockRestore();
    }
  });

  test('the same data gives the same key whether in the URL, a query string or a query object, in any order', () => {
    const keys = [
      requestKey(ctxOf({ url: 'http://api.test/items?a=1&b=2' })),
      requestKey(ctxOf({ url: 'http://api.test/items', query: 'b=2&a=1' })),
      requestKey(ctxOf({ url: 'http://api.test/items', query: { b: '2', a: '1' } })),
      requestKey(ctxOf({ url: 'http://api.test/items?b=2', query: { a: '1' } })),
    ];
    expect(new Set(keys).size).toBe(1);
  });

  test('vary header values, the verb, the prefix and the query tell keys apart, also once remembered', () => {
    const base = ctxOf({});
    const first = requestKey(base);
    expect(requestKey(base)).toBe(first);
    const others = [
      requestKey(ctxOf({ headers: { accept: 'text/html' } })),
      requestKey(ctxOf({ headers: { accept: 'application/json', 'accept-language': 'fr' } })),
      requestKey(ctxOf({ method: 'DELETE' })),
      requestKey(base, { prefix: 'other:' }),
      requestKey(base, { vary: ['accept-language'] }),
      requestKey(ctxOf({ query: 'page=2' })),
      requestKey(ctxOf({ query: { page: 2 } })),
    ];
    expect(new Set([first, ...others]).size).toBe(others.length + 1);
    expect(requestKey(base, { prefix: 'other:' })).toMatch(/^other:[0-9a-f]{64}$/);
  });

  test('headers outside vary (credentials above all) never change the key', () => {
    const anonymous = requestKey(ctxOf({}));
    const withToken = requestKey(ctxOf({ headers: { accept: 'application/json', authorization: 'Bearer secret' } }));
    expect(withToken).toBe(anonymous);
  });
});
