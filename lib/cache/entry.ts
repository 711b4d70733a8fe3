import { utf8Length } from '../runtime';
import type { Headers, SyncResponse } from '../types';

/** Bumped whenever the stored shape changes: entries of another version are misses. */
export const ENTRY_VERSION = 1;

/** Response headers kept in an entry; everything else (Set-Cookie above all) is dropped. */
export const STORED_HEADERS: readonly string[] = [
  'content-type',
  'content-language',
  'content-location',
  'etag',
  'last-modified',
  'cache-control',
  'expires',
  'link',
  'vary',
  'x-total-count',
  'x-total-pages',
  'x-page',
  'x-per-page',
  'x-next-page',
  'x-prev-page',
];

/** A decoded entry: the response as it came, `body` already parsed when it was JSON. */
export interface CacheEntry {
  status: number;
  headers: Headers;
  text: string;
  /** 'json': `body` is the parsed value; 'text': it was stored as text (dataType 'text', or empty). */
  encoding: 'json' | 'text';
  body: unknown;
  storedAt: number;
}

const BODY_FIELD = ',"body":';

/** Whether a shared cache may keep this response (RFC 9111 sections 3 and 5.2.2). */
export function isStorable(response: SyncResponse): boolean {
  const { status, headers } = response;
  if (status < 200 || status > 299) return false;
  if (headers['set-cookie'] !== undefined) return false;
  if (headers.vary !== undefined && headers.vary.split(',').some((name) => name.trim() === '*')) return false;
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) {
    for (const directive of cacheControl.split(',')) {
      const name = directive.split('=')[0].trim().toLowerCase();
      if (name === 'no-store' || name === 'private' || name === 'no-cache') return false;
    }
  }
  return true;
}

/**
 * `{ v, status, headers, storedAt, enc, body }` as one JSON text. A JSON body is spliced in as the server
 * sent it (it parsed already), so writing costs no stringify of the body and a hit one parse in all.
 */
export function encodeEntry(response: SyncResponse, parsedAsJSON: boolean, storedAt: number): string {
  const headers: Headers = {};
  for (const name of STORED_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const meta = JSON.stringify({
    v: ENTRY_VERSION,
    status: response.status,
    headers,
    storedAt,
    enc: parsedAsJSON ? 'json' : 'text',
  });
  const body = parsedAsJSON ? response.text : JSON.stringify(response.text);
  return meta.slice(0, -1) + BODY_FIELD + body + '}';
}

/** The entry in `raw`, or undefined when it is not one of ours (corrupt, foreign, or another version). */
export function decodeEntry(raw: unknown): CacheEntry | undefined {
  if (typeof raw !== 'string') return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { v, status, headers, storedAt, enc, body } = parsed;
  if (v !== ENTRY_VERSION || typeof status !== 'number' || status < 200 || status > 299) return undefined;
  if (typeof storedAt !== 'number' || !isHeaders(headers)) return undefined;
  if (enc === 'text') {
    if (typeof body !== 'string') return undefined;
    return { status, headers, text: body, encoding: 'text', body, storedAt };
  }
  if (enc !== 'json') return undefined;
  // The body is the last field (encodeEntry puts it there), and header names cannot be "body".
  const at = raw.indexOf(BODY_FIELD);
  if (at === -1) return undefined;
  return { status, headers, text: raw.slice(at + BODY_FIELD.length, -1), encoding: 'json', body, storedAt };
}

/** Whether `entry` fits in `maxBytes` of UTF-8 without measuring it when its length already tells. */
export function fitsIn(entry: string, maxBytes: number): boolean {
  // A UTF-16 unit takes 1 to 3 bytes of UTF-8 (a surrogate pair 4 for 2 units).
  if (entry.length > maxBytes) return false;
  if (entry.length * 3 <= maxBytes) return true;
  return utf8Length(entry) <= maxBytes;
}

function isHeaders(value: unknown): value is Headers {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const name in value) if (typeof (value as Record<string, unknown>)[name] !== 'string') return false;
  return true;
}
