import { decodeEntry, encodeEntry, fitsIn, isStorable } from '../../../lib/cache/entry';
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

describe('cache entries', () => {
  test('a JSON body round-trips: parsed body and the exact text, allow-listed headers only', () => {
    const raw = encodeEntry(
      response({ headers: { 'content-type': 'application/json', 'x-total-count': '2', 'x-secret': 's' } }),
      true,
      123,
    );
    const parsed = JSON.parse(raw);
    expect(parsed).toMatchObject({ v: 1, status: 200, storedAt: 123, body: { a: [1, 2] } });
    expect(parsed.headers).toEqual({ 'content-type': 'application/json', 'x-total-count': '2' });
    const entry = decodeEntry(raw)!;
    expect(entry.body).toEqual({ a: [1, 2] });
    expect(entry.text).toBe('{"a": [1, 2]}');
  });

  test('a text body is stored as a string', () => {
    const entry = decodeEntry(encodeEntry(response({ text: 'plain "quoted"' }), false, 1))!;
    expect(entry).toMatchObject({ encoding: 'text', text: 'plain "quoted"' });
  });

  test('header values cannot fake the body field', () => {
    const raw = encodeEntry(response({ headers: { link: 'x,"body":"evil"' } }), true, 1);
    expect(decodeEntry(raw)!.text).toBe('{"a": [1, 2]}');
  });

  test.each([
    ['not JSON', 'oops{'],
    ['1.1.1 entry', JSON.stringify({ body: { a: 1 }, headers: {} })],
    ['other version', JSON.stringify({ v: 99, status: 200, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['bad status', JSON.stringify({ v: 1, status: 500, headers: {}, storedAt: 1, enc: 'text', body: '' })],
    ['bad headers', JSON.stringify({ v: 1, status: 200, headers: { a: 1 }, storedAt: 1, enc: 'text', body: '' })],
    ['null', 'null'],
  ])('%s is no entry', (_name, raw) => {
    expect(decodeEntry(raw)).toBeUndefined();
  });

  test.each([
    [{ status: 404 }, false],
    [{ status: 301 }, false],
    [{ headers: { 'set-cookie': 'sid=1' } }, false],
    [{ headers: { 'cache-control': 'max-age=60, private' } }, false],
    [{ headers: { 'cache-control': 'no-store' } }, false],
    [{ headers: { 'cache-control': 'No-Cache' } }, false],
    [{ headers: { vary: 'accept, *' } }, false],
    [{ headers: { 'cache-control': 'public, max-age=60', vary: 'accept' } }, true],
    [{ status: 204, text: '' }, true],
  ])('storable %j -> %s', (over, expected) => {
    expect(isStorable(response(over as Partial<SyncResponse>))).toBe(expected);
  });

  test('fitsIn measures UTF-8 bytes', () => {
    expect(fitsIn('a'.repeat(10), 10)).toBe(true);
    expect(fitsIn('a'.repeat(11), 10)).toBe(false);
    expect(fitsIn('é'.repeat(5), 10)).toBe(true);
    expect(fitsIn('é'.repeat(6), 10)).toBe(false);
  });
});
