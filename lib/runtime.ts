/**
 * The Node side of the one seam between Node and the browser. `runtime.browser.ts` stands in for
 * this file in browser bundles (the package's `browser` field), so nothing below reaches them.
 */
import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import superagent from 'superagent';

/** Which side of the seam this is: the transport applies the Node-only superagent settings here. */
export const RUNTIME: 'node' | 'browser' = 'node';

/** A reused socket idles at most this long: below the 5 s `keepAliveTimeout` of Node servers. */
const IDLE_SOCKET_MS = 4000;
const MAX_SOCKETS_PER_HOST = 256;

export type Agent = HttpAgent;

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

/** Node's transport takes absolute http(s) URLs only; a relative one would be read as a host name. */
export function invalidUrlReason(url: string): string | undefined {
  if (/^https?:\/\//i.test(url)) return undefined;
  return `The URL must be absolute http(s) in Node, got ${JSON.stringify(url.slice(0, 200))}: give the model an absolute url or urlRoot`;
}

/** True when a reused keep-alive socket failed before any response: the server closed it while idle. */
export function isStaleSocketReset(error: Error & { code?: string }, request: unknown): boolean {
  if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') return false;
  const outgoing = request as { req?: { reusedSocket?: boolean }; res?: unknown };
  return outgoing.req?.reusedSocket === true && outgoing.res === undefined;
}

/** Closes `agent`'s idle sockets to `url`'s host: they sat idle as long as the one found dead. */
export function dropIdleSockets(agent: HttpAgent, url: string): void {
  let prefix: string;
  try {
    const { hostname, port, protocol } = new URL(url);
    prefix = `${hostname.replace(/^\[|\]$/g, '')}:${port || (protocol === 'https:' ? '443' : '80')}:`;
  } catch {
    return;
  }
  for (const [name, sockets] of Object.entries(agent.freeSockets)) {
    if (name.startsWith(prefix)) for (const socket of sockets ?? []) socket.destroy();
  }
}

export function statusTextOf(status: number, reported: string | undefined): string {
  return reported || STATUS_CODES[status] || '';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export { loadedBackbone } from './backbone-globals';

export function hmacSha256Hex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
