/**
 * The browser side of the one seam between Node and the browser: the package's `browser` field puts
 * this file in place of `runtime.ts` in browser bundles, so no Node module (`node:http`,
 * `node:crypto`, the keep-alive agent) reaches them. Same exports as `runtime.ts`.
 */

/** Which side of the seam this is: the transport skips the Node-only superagent settings here. */
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

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const encoder = new TextEncoder();

/**
 * SHA-256 (FIPS 180-4) of the UTF-8 text, in hex: the same keys as `node:crypto` gives in Node.
 * Keys are made synchronously on every cached or deduplicated call, and only used inside this page
 * (never as a secret), so a small synchronous implementation beats async Web Crypto or a 7 KB library.
 */
export function sha256Hex(text: string): string {
  const data = encoder.encode(text);
  const bitLength = data.length * 8;
  const blocks = new Uint8Array((((data.length + 8) >> 6) + 1) << 6);
  blocks.set(data);
  blocks[data.length] = 0x80;
  const view = new DataView(blocks.buffer);
  view.setUint32(blocks.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(blocks.length - 4, bitLength >>> 0);

  const H = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const W = new Uint32Array(64);
  for (let offset = 0; offset < blocks.length; offset += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15];
      const w2 = W[t - 2];
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = W[t - 16] + s0 + W[t - 7] + s1;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] += a;
    H[1] += b;
    H[2] += c;
    H[3] += d;
    H[4] += e;
    H[5] += f;
    H[6] += g;
    H[7] += h;
  }
  let hex = '';
  for (const word of H) hex += word.toString(16).padStart(8, '0');
  return hex;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

interface BackboneGlobals {
  emulateHTTP?: boolean;
  emulateJSON?: boolean;
}
let backbone: BackboneGlobals | null | undefined;

/**
 * Backbone, for its emulateHTTP/emulateJSON defaults: the page's global (a script tag), else the
 * module the app bundled (the bundler resolves this to the app's own copy; inside `try`, a missing
 * optional peer is only a bundler warning).
 */
export function loadedBackbone(): BackboneGlobals | null {
  if (backbone === undefined) {
    const global = (globalThis as { Backbone?: BackboneGlobals }).Backbone;
    if (global) {
      backbone = global;
    } else {
      try {
        backbone = require('backbone') as BackboneGlobals;
      } catch {
        backbone = null;
      }
    }
  }
  return backbone;
}
