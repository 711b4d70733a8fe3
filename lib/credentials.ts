import { ALWAYS_PRIVATE_HEADERS } from './header-names';
import { sha256Hex } from './runtime';
import type { SyncContext } from './types';

/** The default `privateHeaders`: token headers apps commonly send, credentials besides the three always private. */
export const DEFAULT_TOKEN_HEADERS: readonly string[] = ['x-access-token', 'x-auth-token', 'x-api-key'];

/**
 * Marks `name` as a header that carries a credential for this call, whatever its name: the cache and
 * dedupe never share a read that carries it, the logger masks its value, and a redirect to another
 * origin drops it. `auth()` marks the header it writes; any step that adds a secret should too.
 * @example markCredentialHeader(ctx, 'x-session'); ctx.request.headers['x-session'] = token
 */
export function markCredentialHeader(ctx: SyncContext, name: string): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('markCredentialHeader needs a header name');
  const lower = name.toLowerCase();
  const marked = ctx.request.credentialHeaders;
  if (marked === undefined) ctx.request.credentialHeaders = [lower];
  else if (!marked.includes(lower)) marked.push(lower);
}

/**
 * True when `name` carries a credential on this call: `Authorization`, `Cookie`, `Proxy-Authorization`,
 * one of `sync.privateHeaders`, or a header a step marked with `markCredentialHeader`. Any case.
 */
export function isCredentialHeader(ctx: SyncContext, name: string): boolean {
  const lower = name.toLowerCase();
  return (
    ALWAYS_PRIVATE_HEADERS.includes(lower) ||
    ctx.sync.privateHeaders.includes(lower) ||
    (ctx.request.credentialHeaders?.includes(lower) ?? false)
  );
}

/** The lower-case names of the credential headers this call's request carries (in `ctx.request.headers`). */
export function credentialHeadersOf(ctx: SyncContext): string[] {
  const found: string[] = [];
  const headers = ctx.request.headers;
  for (const name in headers) {
    if (headers[name] !== undefined && isCredentialHeader(ctx, name)) found.push(name.toLowerCase());
  }
  return found;
}

/**
 * The credentials a request carries (`name=value` lines, sorted), or undefined for an anonymous one: every
 * header that is a credential on this call (see `isCredentialHeader`), whatever the case of its name.
 */
export function credentialOf(ctx: SyncContext): string | undefined {
  const headers = ctx.request.headers;
  let found: string[] | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    if (isCredentialHeader(ctx, name)) (found ??= []).push(`${name.toLowerCase()}=${value}`);
  }
  return found?.sort().join('\n');
}

/** A sha256 of the call's credentials (see `credentialOf`), to key by them without holding them; undefined when none. */
export function credentialHash(ctx: SyncContext): string | undefined {
  const credential = credentialOf(ctx);
  return credential === undefined ? undefined : sha256Hex(credential);
}
