import { ALWAYS_PRIVATE_HEADERS } from './header-names';
import type { SyncContext } from './types';

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
