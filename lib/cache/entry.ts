import { utf8Length } from '../toolkit';
import type { Headers, SyncResponse } from '../types';

/**
 * An http-cache-semantics policy as `toObject()` gives it (its type is the library's; kept opaque here so
 * that the package's public types need none of the library's).
 */
export type StoredPolicy = object;

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
  /**
   * The http-cache-semantics policy (`toObject()`) as JSON text: freshness, validators and the varied request
   * headers. Kept as text so that a plain fresh hit (see `freshUntil`) never pays for parsing it.
   */
  policy: string;
  /**
   * Wall-clock ms until which the entry answers any request of its key without asking the policy: set when
   * the response has no `Vary` and the policy served its own request fresh; 0 otherwise.
   */
  freshUntil: number;
  /** Milliseconds its fetch took: how early a hot entry is refreshed (XFetch). */
  delta: number;
}

/** Where an entry comes from, besides the response: who stored it and under which generation. */
export interface EntryMeta {
  storedAt: number;
  generation: number;
  origin: string;
  policy: StoredPolicy;
  freshUntil: number;
  delta: number;
}

const BODY_FIELD = ',"body":';
const POLICY_FIELD = ',"policy":';
const SIZES_FIELD = ',"sizes":[';

/**
 * `{ v, status, headers, storedAt, generation, origin, freshUntil, delta, enc, body, policy, sizes }` as one JSON
 * text (1.1.1's readers find `headers` and `body` where they were). A JSON body is spliced in as the server
 * sent it (it parsed already), so writing costs no stringify of the body. `sizes` holds the lengths of the
 * body and policy texts, so a reader finds both by position, never by searching text a server chose, and a
 * hit parses everything but the policy, which only a stale or varied entry needs.
 */
export function encodeEntry(response: SyncResponse, headers: Headers, parsedAsJSON: boolean, meta: EntryMeta): string {
  const head = JSON.stringify({
    v: ENTRY_VERSION,
    status: response.status,
    headers,
    storedAt: meta.storedAt,
    generation: meta.generation,
    origin: meta.origin,
    freshUntil: meta.freshUntil,
    delta: meta.delta,
    enc: parsedAsJSON ? 'json' : 'text',
  });
  const body = parsedAsJSON ? response.text : JSON.stringify(response.text);
  const policy = JSON.stringify(meta.policy);
  return (
    head.slice(0, -1) +
    BODY_FIELD +
    body +
    POLICY_FIELD +
    policy +
    SIZES_FIELD +
    body.length +
    ',' +
    policy.length +
    ']}'
  );
}

/** The entry in `raw`, or undefined when it is not one of ours (corrupt, foreign, or another version). */
export function decodeEntry(raw: unknown): CacheEntry | undefined {
  return decodeAt(raw)?.entry;
}

/** The entry in `raw`, with where its body text is. */
function decodeAt(raw: unknown): Decoded | undefined {
  if (typeof raw !== 'string' || !raw.endsWith(']}')) return undefined;
  // Read from the end: the sizes come last, and nothing after them is a server's text.
  const sizesAt = raw.lastIndexOf(SIZES_FIELD);
  if (sizesAt === -1) return undefined;
  const [bodyLength, policyLength] = raw
    .slice(sizesAt + SIZES_FIELD.length, -2)
    .split(',')
    .map(Number);
  if (!Number.isSafeInteger(bodyLength) || !Number.isSafeInteger(policyLength)) return undefined;
  const policyAt = sizesAt - policyLength;
  const bodyEnd = policyAt - POLICY_FIELD.length;
  const bodyAt = bodyEnd - bodyLength;
  if (bodyAt - BODY_FIELD.length <= 0) return undefined;
  if (!raw.startsWith(POLICY_FIELD, bodyEnd) || !raw.startsWith(BODY_FIELD, bodyAt - BODY_FIELD.length))
    return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.slice(0, bodyEnd) + '}');
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { v, status, headers, storedAt, generation, origin, freshUntil, delta, enc, body } = parsed;
  if (v !== ENTRY_VERSION || typeof status !== 'number' || status < 200 || status > 299) return undefined;
  if (typeof storedAt !== 'number' || typeof generation !== 'number' || typeof origin !== 'string') return undefined;
  if (typeof freshUntil !== 'number' || typeof delta !== 'number' || !isHeaders(headers)) return undefined;
  const meta = { storedAt, generation, origin, freshUntil, delta, policy: raw.slice(policyAt, sizesAt) };
  if (enc === 'text') {
    if (typeof body !== 'string') return undefined;
    return { raw, bodyAt, bodyEnd, entry: { status, headers, text: body, encoding: 'text', body, ...meta } };
  }
  if (enc !== 'json') return undefined;
  const entry: CacheEntry = { status, headers, text: raw.slice(bodyAt, bodyEnd), encoding: 'json', body, ...meta };
  return { raw, bodyAt, bodyEnd, entry };
}

/** What a hit reuses of an entry it decoded before: everything but the body, and where the body is. */
interface Decoded {
  raw: string;
  entry: CacheEntry;
  bodyAt: number;
  bodyEnd: number;
}

const MEMO_MAX_ENTRIES = 1000;
const MEMO_MAX_CHARS = 4 * 1024 * 1024;
const decodedByKey = new Map<string, Decoded>();
let memoChars = 0;

/**
 * `decodeEntry(raw)` for the entry stored under `key`, parsing only the body when the same text was decoded
 * under that key before: a hit of a hot key then pays for its own copy of the body and nothing else (the
 * head, headers and metadata, 45% of a 1 KB entry's decoding, are reused). The text is compared in full
 * (`===`: a pointer compare when a memory store hands back the same string), so a changed entry is decoded
 * again. Bounded by entries and characters; emptied when full.
 */
export function decodeStored(key: string, raw: unknown): CacheEntry | undefined {
  const known = decodedByKey.get(key);
  if (known !== undefined && known.raw === raw) {
    const { entry, bodyAt, bodyEnd } = known;
    // Each caller gets its own headers object and body: an app that edits its copy cannot reach another's.
    const headers = { ...entry.headers };
    if (entry.encoding === 'text') return { ...entry, headers };
    const text = raw.slice(bodyAt, bodyEnd);
    return { ...entry, headers, text, body: JSON.parse(text) };
  }
  const decoded = decodeAt(raw);
  if (decoded === undefined) return undefined;
  const { entry } = decoded;
  // The key's older text is of no use any more, whether or not the new one is kept.
  if (known !== undefined) {
    decodedByKey.delete(key);
    memoChars -= known.raw.length;
  }
  if (decoded.raw.length > MEMO_MAX_CHARS / 64) return entry;
  if (decodedByKey.size >= MEMO_MAX_ENTRIES || memoChars + decoded.raw.length > MEMO_MAX_CHARS) {
    decodedByKey.clear();
    memoChars = 0;
  }
  // Kept without this caller's body and headers objects: those are the caller's own.
  const kept = { ...entry, headers: { ...entry.headers }, body: entry.encoding === 'text' ? entry.body : undefined };
  decodedByKey.set(key, { ...decoded, entry: kept });
  memoChars += decoded.raw.length;
  return entry;
}

/** Whether `entry` fits in `maxBytes` of UTF-8 without measuring it when its length already tells. */
export function fitsIn(entry: string, maxBytes: number): boolean {
  // A UTF-16 unit takes 1 to 3 bytes of UTF-8 (a surrogate pair 4 for 2 units).
  if (entry.length > maxBytes) return false;
  if (entry.length * 3 <= maxBytes) return true;
  return utf8Length(entry) <= maxBytes;
}

export function isHeaders(value: unknown): value is Headers {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const name in value) if (typeof (value as Record<string, unknown>)[name] !== 'string') return false;
  return true;
}
