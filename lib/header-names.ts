import type { Headers } from './types';

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
