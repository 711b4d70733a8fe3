/**
 * The browser side of the one seam between Node and the browser: the package's `browser` field puts
 * this file in place of `runtime.ts` in browser bundles, so no Node module (`node:http`,
 * `node:crypto`, the keep-alive agent) reaches them. Same exports as `runtime.ts`.
 */

/** Which side of the seam this is: the transport skips the Node-only superagent settings here. */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

export const RUNTIME: 'node' | 'browser' = 'browser';

/** The browser manages its own connections: there is no agent to give superagent. */
export type Agent = never;

export function defaultAgent(_url: string): undefined {
  return undefined;
}

/** The browser resolves a relative URL against the page, as jQuery.ajax does: every URL is fine here. */
export function invalidUrlReason(_url: string): undefined {
  return undefined;
}

/** There are no reused sockets to find dead in the browser. */
export function isStaleSocketReset(): false {
  return false;
}

export function dropIdleSockets(): void {}

/**
 * superagent's browser client calls a custom parser as `(res, text)` and takes its return value as
 * `res.body`; returning nothing leaves `res.text` the raw text, which the `parse` step decodes.
 */
export function rawTextParser(_res: unknown, _text: string): undefined {
  return undefined;
}

// XHR reports no status text over HTTP/2 and HTTP/3; these are the ones an app shows most.
const STATUS_TEXTS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTextOf(status: number, reported: string | undefined): string {
  return reported || STATUS_TEXTS[status] || '';
}

/**
 * Keys are made synchronously on every cached or deduplicated call, so the hashes come from
 * @noble/hashes (audited, synchronous) rather than async Web Crypto: the same keys as `node:crypto` in Node.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(text));
}

export function hmacSha256Hex(secret: string, text: string): string {
  return bytesToHex(hmac(sha256, secret, text));
}

export function randomSecret(): string {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export { loadedBackbone } from './backbone-globals';
