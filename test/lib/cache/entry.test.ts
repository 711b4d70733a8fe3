import { decodeEntry, decodeStored, encodeEntry, fitsIn, type EntryMeta } from '../../../lib/cache/entry';
import { policyObjectOf } from '../../../lib/cache/policy';
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
  const policy = makePolicy(policyRequest('GET', {}), response(over), 60, true);
  return { storedAt, generation: 3, origin: 'abc', freshUntil: 0, delta: 12, policy: policy.toObject() };
}

/** A valid entry with one piece of its text replaced (the sizes still right, so only that piece is wrong). */
function tampered(from: string, to: string): string {
  const raw = encodeEntry(response({ text: 'x' }), { 'x-a': 'b' }, false, metaAt(1));
  if (!raw.includes(from)) throw new Error(`no ${from} in ${raw}`);
  return raw.replace(from, to);
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
    expect(JSON.parse(entry.policy)).toEqual(meta.policy);
    expect(policyObjectOf(entry)).toEqual(meta.policy);
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

  test('a policy text that is not a policy is no policy (the cache step then treats the entry as absent)', () => {
    const entry = decodeEntry(
      encodeEntry(response({ text: 'x' }), {}, false, { ...metaAt(1), policy: { v: 1 } as never }),
    )!;
    expect(entry).toBeDefined();
    expect(policyObjectOf(entry)).toBeUndefined();
    expect(policyObjectOf({ ...entry, policy: 'not json' })).toBeUndefined();
  });

  test('header names and values, and the body itself, cannot fake where the body or the policy is', () => {
    const headers = { link: 'x,"body":"evil"', body: 'named body', sizes: '[1,2]', policy: '{}' };
    const text = '{"body":{"a":1},"policy":"x","sizes":[1,2]}';
    const meta = metaAt(1);
    const entry = decodeEntry(encodeEntry(response({ text }), headers, true, meta))!;
    expect(entry.text).toBe(text);
    expect(entry.body).toEqual({ body: { a: 1 }, policy: 'x', sizes: [1, 2] });
    expect(entry.headers).toEqual(headers);
    expect(policyObjectOf(entry)).toEqual(meta.policy);
  });

  test("1.1.1's readers find the parsed body and the headers where they were", () => {
    const raw = encodeEntry(response(), { 'x-foo-bar': 'baz' }, true, metaAt(1));
    expect(JSON.parse(raw)).toMatchObject({ body: { a: [1, 2] }, headers: { 'x-foo-bar': 'baz' } });
  });

  test.each([
    ['not JSON', 'oops{'],
    ['1.1.1 entry', JSON.stringify({ body: { a: 1 }, headers: {} })],
    ['other version', JSON.stringify({ v: 99, status: 200, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['version 1 entry', JSON.stringify({ v: 1, status: 200, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['bad status', tampered('"status":200', '"status":500')],
    ['bad headers', tampered('"x-a":"b"', '"x-a":1  ')],
    ['no freshUntil', tampered('"freshUntil":0', '"freshUnti_":0')],
    ['no generation', tampered('"generation":3', '"generation":"3"')],
    ['sizes that do not fit', tampered(',"sizes":[3,', ',"sizes":[4,')],
    ['no sizes', tampered(',"sizes":[', ',"sizez":[')],
    ['a re-indented entry', JSON.stringify(JSON.parse(tampered('', '')), null, 1)],
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

describe('decodeStored: hits of a key reuse its decoded head', () => {
  const headers = { 'content-type': 'application/json', etag: '"v1"' };
  const rawOf = (text: string, storedAt = 1) =>
    encodeEntry(response({ text, body: JSON.parse(text), headers }), headers, true, metaAt(storedAt));

  test('every hit is the whole entry, with its own body and headers objects', () => {
    const raw = rawOf('{"a":[1,2]}');
    const first = decodeStored('k1', raw)!;
    const second = decodeStored('k1', raw)!;
    const third = decodeStored('k1', `${raw}`)!; // equal text, another string (as Redis gives)
    for (const hit of [second, third]) {
      expect(hit).toEqual(first);
      expect(hit.body).not.toBe(first.body);
      expect(hit.headers).not.toBe(first.headers);
    }
    // One caller editing its copy reaches no other.
    (second.body as { a: number[] }).a.push(3);
    second.headers.etag = 'mine';
    expect(decodeStored('k1', raw)).toEqual(first);
  });

  test('a changed entry under the same key, or the same text under another key, is decoded for what it is', () => {
    const one = rawOf('{"v":1}', 1);
    const two = rawOf('{"v":2}', 2);
    expect(decodeStored('k2', one)!.body).toEqual({ v: 1 });
    expect(decodeStored('k2', two)).toMatchObject({ body: { v: 2 }, storedAt: 2 });
    expect(decodeStored('k2', one)).toMatchObject({ body: { v: 1 }, storedAt: 1 });
    expect(decodeStored('k2', 'not an entry')).toBeUndefined();
    expect(decodeStored('k2', one)!.body).toEqual({ v: 1 });
  });

  test('more keys than it keeps: every answer is still right', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        expect(decodeStored(`many-${i}`, rawOf(`{"i":${i}}`))!.body).toEqual({ i });
      }
    }
  });
});
