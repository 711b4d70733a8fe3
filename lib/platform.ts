import * as runtime from './runtime';

// What a step may need that Node and the browser do differently, re-declared here so that the toolkit's
// types do not reach lib/runtime.ts (whose Node types would make every consumer need @types/node). Each is
// a direct call: V8 inlines it.

/** Hex sha256 of a UTF-8 string (node:crypto in Node, a bundled implementation in the browser). */
export function sha256Hex(text: string): string {
  return runtime.sha256Hex(text);
}

/** Hex HMAC-SHA256 of `text` under `secret`. */
export function hmacSha256Hex(secret: string, text: string): string {
  return runtime.hmacSha256Hex(secret, text);
}

/** 32 random bytes as hex, from the platform's secure generator. */
export function randomSecret(): string {
  return runtime.randomSecret();
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  return runtime.utf8Length(text);
}

/** The reason phrase of `status`: the one the server sent when the platform reports it, else the standard one. */
export function statusTextOf(status: number, reported: string | undefined): string {
  return runtime.statusTextOf(status, reported);
}
