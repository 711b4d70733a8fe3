import type { Headers } from './http-types';

// RFC 9110 section 5.1: a field name is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers that always carry credentials: never shared by a cache or dedupe (RFC 9111 section 3.5), never sent to another origin. */
export const ALWAYS_PRIVATE_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * The value of `lowerName` in `headers`. The built-in steps write lower-case names, but a user step may
 * write `Authorization`: a privacy or key decision must see it either way.
 */
export function headerValue(headers: Headers, lowerName: string): string | undefined {
  const value = headers[lowerName];
  if (value !== undefined) return value;
  for (const name in headers) if (name.toLowerCase() === lowerName) return headers[name];
  return undefined;
}

/**
 * Headers that frame the message or the connection (RFC 9112 sections 6, 7 and 9.6, RFC 9110 section 7.2):
 * the transport computes them itself. Given by an app or a step, a wrong Content-Length lets a body's tail
 * reach the upstream as a second, smuggled request on a pooled keep-alive socket.
 */
export const FRAMING_HEADERS: readonly string[] = [
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'host',
];

/** The first framing header in `headers` (any case), or undefined. */
export function framingHeaderIn(headers: Headers): string | undefined {
  for (const name in headers) if (FRAMING_HEADERS.includes(name.toLowerCase())) return name;
  return undefined;
}

/** The error message for a framing header given by `from`. */
export function framingHeaderMessage(name: string, from: string): string {
  return `Header "${name}" in ${from} is refused: the transport computes message framing (${FRAMING_HEADERS.join(', ')}) itself`;
}
