import { DEFAULT_IGNORED_HEADERS, requestKey } from '../../lib/request-key';
import * as runtime from '../../lib/runtime';
import type { SyncContext, SyncInstance, SyncRequest } from '../../lib/types';

const sync = { privateHeaders: ['x-api-key'] } as unknown as SyncInstance;

function ctxOf(request: Partial<SyncRequest>, credentialHeaders?: string[]): SyncContext {
  const full: SyncRequest = {
    method: 'GET',
    url: 'http://api.test/items',
    query: undefined,
    headers: { accept: 'application/json' },
    body: undefined,
    timeout: 0,
    credentialHeaders,
    ...request,
  };
  return { request: full, sync } as SyncContext;
}

/** The documented form of a key, computed here without requestKey. */
function expectedKey(method: string, url: string, headers: Array<[string, string]>, prefix = 'bss:') {
  return prefix + runtime.sha256Hex(JSON.stringify([method, url, headers]));
}

describe('requestKey()', () => {
  test('is the prefix plus the sha256 of method, URL as sent and sorted lower-case headers, computed or remembered', () => {
    const ctx = ctxOf({
      url: 'HTTP://API.test/items?b=2#top',
      query: { a: 1 },
      headers: { 'X-Tenant': 't1', accept: 'application/json' },
    });
    const expected = expectedKey('GET', 'http://api.test/items?b=2&a=1', [
      ['accept', 'application/json'],
      ['x-tenant', 't1'],
    ]);
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

  test('what is sent is what is keyed: the same bytes on the wire give one key, other bytes another', () => {
    const same = [
      requestKey(ctxOf({ url: 'http://api.test/items?a=1&b=2' })),
      requestKey(ctxOf({ url: 'http://api.test/items', query: 'a=1&b=2' })),
      requestKey(ctxOf({ url: 'http://api.test/items', query: { a: '1', b: '2' } })),
      requestKey(ctxOf({ url: 'http://api.test/items?a=1', query: { b: '2' } })),
      requestKey(ctxOf({ url: 'http://api.test/items#frag', query: 'a=1&b=2' })),
    ];
    expect(new Set(same).size).toBe(1);
    const different = [
      same[0],
      requestKey(ctxOf({ url: 'http://api.test/items?b=2&a=1' })),
      requestKey(ctxOf({ url: 'http://api.test/users/../items?a=1&b=2' })),
      requestKey(ctxOf({ url: 'http://api.test/users/%2e%2e/items?a=1&b=2' })),
      requestKey(ctxOf({ url: 'http://api.test/items?a=1&b=2&a=3' })),
      requestKey(ctxOf({ url: 'http://api.test/items', query: { id: [1, 2] } })),
      requestKey(ctxOf({ url: 'http://api.test/items?id=1&id=2' })),
      requestKey(ctxOf({ url: 'http://api.test/items?__proto__=x' })),
      requestKey(ctxOf({ url: 'http://api.test/items' })),
    ];
    expect(new Set(different).size).toBe(different.length);
  });

  test('every header tells keys apart, whatever step added it; the method and the prefix too', () => {
    const base = ctxOf({});
    const first = requestKey(base);
    expect(requestKey(base)).toBe(first);
    const others = [
      requestKey(ctxOf({ headers: { accept: 'text/html' } })),
      requestKey(ctxOf({ headers: { accept: 'application/json', 'accept-language': 'fr' } })),
      requestKey(ctxOf({ headers: { accept: 'application/json', 'x-tenant': 'a' } })),
      requestKey(ctxOf({ headers: { accept: 'application/json', 'x-tenant': 'b' } })),
      requestKey(ctxOf({ method: 'DELETE' })),
      requestKey(base, { prefix: 'other:' }),
    ];
    expect(new Set([first, ...others]).size).toBe(others.length + 1);
    expect(requestKey(base, { prefix: 'other:' })).toMatch(/^other:[0-9a-f]{64}$/);
  });

  test('a name given twice in two cases is keyed as the wire sends it: the later value', () => {
    expect(requestKey(ctxOf({ headers: { 'X-Tenant': 'a', 'x-tenant': 'b' } }))).toBe(
      requestKey(ctxOf({ headers: { 'x-tenant': 'b' } })),
    );
  });

  test('the ignore list and credentials (any kind, marked ones too) never change the key', () => {
    const anonymous = requestKey(ctxOf({}));
    for (const name of DEFAULT_IGNORED_HEADERS) {
      expect(requestKey(ctxOf({ headers: { accept: 'application/json', [name]: 'per-call' } }))).toBe(anonymous);
    }
    const secrets = { authorization: 'Bearer s', cookie: 'sid=1', 'x-api-key': 'k', 'x-session': 'z' };
    expect(requestKey(ctxOf({ headers: { accept: 'application/json', ...secrets } }, ['x-session']))).toBe(anonymous);
    expect(
      requestKey(ctxOf({ headers: { accept: 'application/json', 'x-custom': '1' } }), { ignore: ['x-custom'] }),
    ).toBe(anonymous);
  });
});
