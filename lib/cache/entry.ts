import { utf8Length } from '../runtime';
import type { Headers, SyncResponse } from '../types';
import type { PolicyObject } from './policy';

/** Bumped whenever the stored shape changes: entries of another version are misses. */
export const ENTRY_VERSION = 2;

/** A decoded entry: the response as it came, `body` already parsed when it was JSON. */
export interface CacheEntry {
  status: number;
  headers: Headers;
  text: string;
  /** 'json': `body` is the parsed value; 'text': it was stored as text (dataType 'text', or empty). */
  encoding: 'json' | 'text';
  body: unknown;
  /** Wall-clock ms when stored: how entries of other processes are judged against this one's writes. */
  storedAt: number;
  /** The process-local generation of its URL it was fetched under, with the id of the store state that counted it. */
  generation: number;
  origin: string;
  /** The http-cache-semantics policy (`toObject()`): freshness, validators and the varied request headers. */
  policy: PolicyObject;
}

/** Where an entry comes from, besides the response: who stored it and under which generation. */
export interface EntryMeta {
  storedAt: number;
  generation: number;
  origin: string;
  policy: PolicyObject;
}

const BODY_FIELD = ',"body":';

/**
 * `{ v, status, headers, storedAt, generation, origin, policy, enc, body }` as one JSON text. A JSON body is
 * spliced in as the server sent it (it parsed already), so writing costs no stringify of the body and a
 * hit one parse in all. `headers` and `body` stay top-level fields, where 1.1.1's entries had them.
 */
export function encodeEntry(response: SyncResponse, headers: Headers, parsedAsJSON: boolean, meta: EntryMeta): string {
  const head = JSON.stringify({
    v: ENTRY_VERSION,
    status: response.status,
    headers,
    storedAt: meta.storedAt,
    generation: meta.generation,
    origin: meta.origin,
    policy: meta.policy,
    enc: parsedAsJSON ? 'json' : 'text',
  });
  const body = parsedAsJSON ? response.text : JSON.stringify(response.text);
  return head.slice(0, -1) + BODY_FIELD + body + '}';
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
  const { v, status, headers, storedAt, generation, origin, policy, enc, body } = parsed;
  if (v !== ENTRY_VERSION || typeof status !== 'number' || status < 200 || status > 299) return undefined;
  if (typeof storedAt !== 'number' || typeof generation !== 'number' || typeof origin !== 'string') return undefined;
  if (!isHeaders(headers) || !isPolicyObject(policy)) return undefined;
  const meta = { storedAt, generation, origin, policy };
  if (enc === 'text') {
    if (typeof body !== 'string') return undefined;
    return { status, headers, text: body, encoding: 'text', body, ...meta };
  }
  if (enc !== 'json') return undefined;
  // The body is the last field (encodeEntry puts it there), and header names cannot be "body".
  const at = raw.indexOf(BODY_FIELD);
  if (at === -1) return undefined;
  return { status, headers, text: raw.slice(at + BODY_FIELD.length, -1), encoding: 'json', body, ...meta };
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

function isPolicyObject(value: unknown): value is PolicyObject {
  if (value === null || typeof value !== 'object') return false;
  const policy = value as Record<string, unknown>;
  return policy.v === 1 && typeof policy.t === 'number' && isHeaders(policy.resh) && typeof policy.rescc === 'object';
}
