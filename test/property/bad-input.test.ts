import fc from 'fast-check';
import { FRAMING_HEADERS } from '../../lib/header-names';
import { createSync, SyncError } from '../../lib/index';
import type { SyncOptions } from '../../lib/index';
import { settle } from '../helpers/settlement';
import { TestServer } from '../helpers/test-server';

const numRuns = Number(process.env.FAST_CHECK_RUNS ?? 1000);
const sync = createSync({ timeout: 5000 });
let server: TestServer;

beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());
afterEach(() => {
  // No input may pollute the prototype every object shares.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Either a synchronous Error with a message, or exactly one settlement (success xor error, complete once). */
async function throwsClearlyOrSettlesOnce(start: (options: SyncOptions) => ReturnType<typeof sync>) {
  let result;
  try {
    result = await settle(start, 0);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.length).toBeGreaterThan(10);
    return 'threw';
  }
  expect(result.success + result.error).toBe(1);
  expect(result.complete).toBe(1);
  return result.success ? 'success' : 'error';
}

const dataKey = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'ключ', '键 名'),
);
const dataValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(dataKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const data = fc.dictionary(dataKey, dataValue, { maxKeys: 5 });

describe('property: bad input never hangs, never settles twice, never pollutes', () => {
  test('random URLs: relative, unicode, spaces, javascript:, malformed', async () => {
    const url = fc.oneof(
      fc.string().map((path) => server.url('/' + path)),
      fc.string({ unit: 'grapheme' }).map((path) => server.url('/ü/' + path + ' x')),
      fc.string().map((path) => '/' + path),
      fc.constantFrom('javascript:alert(1)', 'http://[::1', '', 'http://', 'ftp://127.0.0.1/x', 'file:///etc/passwd'),
    );
    await fc.assert(
      fc.asyncProperty(url, async (target) => {
        await throwsClearlyOrSettlesOnce((options) => sync('read', { url: target }, options));
      }),
      { numRuns },
    );
  }, 120000);

  test('random data as a query string and as a body, including __proto__ and constructor keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        data,
        fc.constantFrom('read', 'create', 'delete', 'update') as fc.Arbitrary<'read'>,
        async (payload, method) => {
          const outcome = await throwsClearlyOrSettlesOnce((options) =>
            sync(method, { url: server.url('/echo') }, { ...options, data: payload }),
          );
          expect(outcome).toBe('success');
        },
      ),
      { numRuns },
    );
  }, 120000);

  test('random header names and values, with CR/LF injection attempts: nothing split reaches the wire', async () => {
    const headerName = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom('x-ok', 'X-Mixed-Case', 'bad name', 'x-crlf\r\n'),
    );
    const headerValue = fc.oneof(
      fc.string(),
      fc.string().map((s) => `${s}\r\nX-Injected: 1`),
      fc.string().map((s) => `${s}\nX-Injected: 1`),
      fc.constantFrom('\0', 'ok value'),
    );
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, async (name, value) => {
        const before = server.requests.length;
        const outcome = await throwsClearlyOrSettlesOnce((options) =>
          sync('read', { url: server.url('/headers') }, { ...options, headers: { [name]: value } }),
        );
        for (const seen of server.requests.slice(before)) {
          expect(seen.headers['x-injected']).toBeUndefined();
          for (const sent of Object.values(seen.headers)) expect(String(sent)).not.toMatch(/[\r\n]/);
        }
        if (/[\r\n\0]/.test(value) || /[\r\n]/.test(name)) expect(outcome).not.toBe('success');
      }),
      { numRuns },
    );
  }, 120000);

  test('framing header names in any case: refused with ERR_INVALID_REQUEST, never sent', async () => {
    const framing = fc
      .tuple(fc.constantFrom(...FRAMING_HEADERS), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
      .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    const value = fc.oneof(fc.constantFrom('0', '5', 'chunked', 'close', 'example.test'), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(
        framing,
        value,
        fc.constantFrom('read', 'create') as fc.Arbitrary<'read'>,
        async (name, text, method) => {
          const before = server.requests.length;
          let thrown: unknown;
          try {
            await sync(
              method,
              { url: server.url('/framing'), toJSON: () => ({ a: 1 }) },
              { headers: { [name]: text } },
            );
          } catch (error) {
            thrown = error;
          }
          // A value with CR/LF/NUL may be refused for that first; a clean value for its name.
          expect(thrown).toBeInstanceOf(SyncError);
          expect((thrown as SyncError).code).toBe('ERR_INVALID_REQUEST');
          expect(server.requests.length).toBe(before);
        },
      ),
      { numRuns },
    );
  }, 120000);

  test('mixed-case http(s) schemes and hosts: the request reaches this server, at the path given', async () => {
    const caseOf = (word: string) =>
      fc
        .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
        .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    const path = fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/);
    await fc.assert(
      fc.asyncProperty(caseOf('http'), caseOf('localhost'), path, async (scheme, host, segment) => {
        const port = new URL(server.origin).port;
        const before = server.requests.length;
        await sync('read', { url: `${scheme}://${host}:${port}/mixed/${segment}` });
        expect(server.requests.length).toBe(before + 1);
        expect(server.requests[before].url).toBe(`/mixed/${segment}`);
      }),
      { numRuns: Math.max(100, numRuns / 5) },
    );
  }, 120000);

  test('random timeouts: a TypeError naming the option, or a call that settles once', async () => {
    const timeout = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -1, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 31 - 1, 1e308),
    );
    await fc.assert(
      fc.asyncProperty(timeout, async (ms) => {
        try {
          const handle = sync('read', { url: server.url('/t') }, { timeout: ms });
          // Long deadlines must not keep the suite waiting: the call is aborted, and settles once.
          setTimeout(() => handle.abort(), 20);
          const outcome = await handle.then(
            () => 'success',
            (error: SyncError) => error.textStatus,
          );
          expect(['success', 'abort', 'timeout']).toContain(outcome);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/^timeout must be/);
        }
      }),
      { numRuns },
    );
  }, 120000);

  test('a __proto__ key in a JSON response never reaches Object.prototype', async () => {
    server.route('/proto', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.query.get('body') ?? '{}');
    });
    const body = fc.oneof(
      fc.constant('{"__proto__":{"polluted":true}}'),
      fc.constant('{"a":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"polluted":true}}}'),
      fc.json(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const parsed = await sync('read', { url: server.url('/proto') }, { data: { body: text } });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        if (text.startsWith('{"__proto__"')) expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      }),
      { numRuns: Math.max(100, numRuns / 10) },
    );
  }, 120000);
});
