import { decodeEntry, encodeEntry, fitsIn, type EntryMeta } from '../../../lib/cache/entry';
import { makePolicy, policyRequest, storedHeaders } from '../../../lib/cache/policy';
import type { SyncResponse } from '../../../lib/types';

const response = (over: Partial<SyncResponse> = {}): SyncResponse => ({
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json' },
  text: '{"a": [1, 2]}',
  body: { a: [1, 2] },
  fromCache: false,
  ...over,
});

function metaAt(storedAt: number, over: Partial<SyncResponse> = {}): EntryMeta {
  const policy = makePolicy(policyRequest('GET', 'http://api.test/a', {}), response(over), 60, true);
  return { storedAt, generation: 3, origin: 'abc', policy: policy.toObject() };
}

function valid(): Record<string, unknown> {
  return JSON.parse(encodeEntry(response({ text: 'x' }), {}, false, metaAt(1)));
}

describe('cache entries', () => {
  test('a JSON body round-trips: parsed body, the exact text, the headers given, generation and policy', () => {
    const headers = { 'content-type': 'application/json', 'x-total-count': '2' };
    const meta = metaAt(123);
    const raw = encodeEntry(response({ headers }), headers, true, meta);
    const parsed = JSON.parse(raw);
    expect(parsed).toMatchObject({
      v: 2,
      status: 200,
      storedAt: 123,
      generation: 3,
      origin: 'abc',
      body: { a: [1, 2] },
    });
    expect(parsed.headers).toEqual(headers);
    const entry = decodeEntry(raw)!;
    expect(entry.body).toEqual({ a: [1, 2] });
    expect(entry.text).toBe('{"a": [1, 2]}');
    expect(entry.policy).toEqual(meta.policy);
  });

  test('stored headers: all but hop-by-hop ones, those Connection names, and the body framing', () => {
    expect(
      storedHeaders({
        'content-type': 'application/json',
        'x-ratelimit-remaining': '9',
        connection: 'keep-alive, X-Hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'content-length': '10',
        'content-encoding': 'gzip',
        etag: '"v1"',
      }),
    ).toEqual({ 'content-type': 'application/json', 'x-ratelimit-remaining': '9', etag: '"v1"' });
  });

  test('a text body is stored as a string', () => {
    const entry = decodeEntry(encodeEntry(response({ text: 'plain "quoted"' }), {}, false, metaAt(1)))!;
    expect(entry).toMatchObject({ encoding: 'text', text: 'plain "quoted"' });
  });

  test('header values cannot fake the body field', () => {
    const raw = encodeEntry(response(), { link: 'x,"body":"evil"' }, true, metaAt(1));
    expect(decodeEntry(raw)!.text).toBe('{"a": [1, 2]}');
  });

  test.each([
    ['not JSON', 'oops{'],
    ['1.1.1 entry', JSON.stringify({ body: { a: 1 }, headers: {} })],
    ['other version', JSON.stringify({ v: 99, status: 200, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['version 1 entry', JSON.stringify({ v: 1, status: 200, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['bad status', JSON.stringify({ ...valid(), status: 500 })],
    ['bad headers', JSON.stringify({ ...valid(), headers: { a: 1 } })],
    ['no policy', JSON.stringify({ ...valid(), policy: undefined })],
    ['bad policy', JSON.stringify({ ...valid(), policy: { v: 1 } })],
    ['no generation', JSON.stringify({ ...valid(), generation: 'x' })],
    ['null', 'null'],
  ])('%s is no entry', (_name, raw) => {
    expect(decodeEntry(raw)).toBeUndefined();
  });

  test('fitsIn measures UTF-8 bytes', () => {
    expect(fitsIn('a'.repeat(10), 10)).toBe(true);
    expect(fitsIn('a'.repeat(11), 10)).toBe(false);
    expect(fitsIn('é'.repeat(5), 10)).toBe(true);
    expect(fitsIn('é'.repeat(6), 10)).toBe(false);
  });
});
