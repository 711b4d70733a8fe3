/**
 * The Node side of the one seam between Node and the browser. `runtime.browser.ts` stands in for
 * this file in browser bundles (the package's `browser` field), so nothing below reaches them.
 */
import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createHash } from 'node:crypto';
import superagent from 'superagent';

/** Which side of the seam this is: the transport applies the Node-only superagent settings here. */
export const RUNTIME: 'node' | 'browser' = 'node';

/** A reused socket idles at most this long: below the 5 s `keepAliveTimeout` of Node servers. */
const IDLE_SOCKET_MS = 4000;
const MAX_SOCKETS_PER_HOST = 256;

let httpAgent: HttpAgent | undefined;
let httpsAgent: HttpsAgent | undefined;

/** The shared keep-alive agent for `url`'s protocol (superagent opens a connection per request without one). */
export function defaultAgent(url: string): HttpAgent {
  if (url.startsWith('https:')) {
    return (httpsAgent ??= new HttpsAgent({
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      maxSockets: MAX_SOCKETS_PER_HOST,
    }));
  }
  return (httpAgent ??= new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: MAX_SOCKETS_PER_HOST }));
}

/** superagent's own text parser: the body stays a string in `res.text`; the `parse` step decodes it. */
export const rawTextParser = superagent.parse.text;

export function statusTextOf(status: number, reported: string | undefined): string {
  return reported || STATUS_CODES[status] || '';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface BackboneGlobals {
  emulateHTTP?: boolean;
  emulateJSON?: boolean;
}
let backbone: BackboneGlobals | null | undefined;

/** Backbone's module, when the app has it installed: its emulateHTTP/emulateJSON are the defaults. */
export function loadedBackbone(): BackboneGlobals | null {
  if (backbone === undefined) {
    try {
      backbone = require('backbone') as BackboneGlobals;
    } catch {
      backbone = null;
    }
  }
  return backbone;
}
