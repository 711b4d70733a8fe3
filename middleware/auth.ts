import { SyncError, untilAborted, markCredentialHeader, FRAMING_HEADERS, isHeaderName } from '../lib/toolkit';
import type { Middleware, SyncContext } from '../lib/types';
import { assignHeaders } from './headers';

export interface AuthOptions {
  /** The request header that carries the token. @default 'Authorization' */
  header?: string;
  /** Put before the token with a space; `''` sends the token alone. @default 'Bearer' */
  scheme?: string;
}

/**
 * Sets `header: scheme token` on every call. `getToken()` (sync or async) is called when the step holds
 * no token yet and after a 401; the token it gives is reused until then. On a 401, one `getToken()`
 * call serves every concurrent call that got the 401; each is replayed once with the new token, and
 * a second 401 fails the call.
 */
export function auth(getToken: () => string | Promise<string>, options: AuthOptions = {}): Middleware {
  if (typeof getToken !== 'function') throw new TypeError('auth(getToken): getToken must be a function');
  if (options === null || typeof options !== 'object') throw new TypeError('auth() takes an options object');
  const { header = 'Authorization', scheme = 'Bearer' } = options;
  if (typeof header !== 'string' || !isHeaderName(header) || FRAMING_HEADERS.includes(header.toLowerCase())) {
    throw new TypeError(`auth(): header must be a header name, got ${JSON.stringify(header)}`);
  }
  if (typeof scheme !== 'string' || /[\s\0]/.test(scheme)) {
    throw new TypeError(`auth(): scheme must be a word such as 'Bearer' or '', got ${JSON.stringify(scheme)}`);
  }
  const headerName = header.toLowerCase();
  let token: string | undefined;
  let pending: Promise<string> | undefined;

  function fetchToken(): Promise<string> {
    return (pending ??= (async () => {
      try {
        // Called after `pending` is assigned: a getToken that throws synchronously must clear it too.
        await undefined;
        const fresh: unknown = await getToken();
        if (typeof fresh !== 'string' || fresh === '') {
          throw new TypeError(`getToken() must give a non-empty string, gave ${fresh === '' ? "''" : typeof fresh}`);
        }
        token = fresh;
        return fresh;
      } finally {
        pending = undefined;
      }
    })());
  }

  /** The token to replay with after `used` got a 401: one refresh for every call that used it. */
  function refreshAfter(used: string): Promise<string> {
    if (pending) return pending;
    if (token !== undefined && token !== used) return Promise.resolve(token);
    token = undefined;
    return fetchToken();
  }

  function send(ctx: SyncContext, value: string): void {
    // Whatever its name, the token is a credential: never shared by the cache or dedupe, never logged,
    // never forwarded to another origin.
    markCredentialHeader(ctx, headerName);
    assignHeaders(ctx.request.headers, { [headerName]: scheme ? `${scheme} ${value}` : value }, 'auth()');
  }

  const step: Middleware = async function auth(ctx, next) {
    const used = token ?? (await untilAborted(fetchToken(), ctx).catch(tokenFailure(ctx)));
    send(ctx, used);
    let rejected: SyncError;
    try {
      await next();
      if (ctx.response?.status !== 401) return;
      rejected = new SyncError('ERR_HTTP', ctx.response.statusText || 'Unauthorized', {
        method: ctx.request.method,
        url: ctx.request.url,
        status: 401,
        headers: ctx.response.headers,
        responseText: ctx.response.text,
      });
    } catch (error) {
      if (!(error instanceof SyncError && error.status === 401 && error.code === 'ERR_HTTP')) throw error;
      rejected = error;
    }
    const fresh = await untilAborted(refreshAfter(used), ctx).catch(refreshFailure(ctx, rejected));
    send(ctx, fresh);
    ctx.response = undefined;
    await next();
  };
  step.order = {
    before: ['cache', 'parse'],
    reason: 'the cache sees the request as it goes out, and a 401 reaches auth as an error to replay',
  };
  // Replays the rest of the stack once after a 401.
  step.reentrant = true;
  return step;
}

function tokenFailure(ctx: SyncContext) {
  return (cause: unknown): never => {
    if (cause instanceof SyncError) throw cause;
    throw new SyncError('ERR_MIDDLEWARE', `auth: getToken() failed: ${messageOf(cause)}`, {
      method: ctx.request.method,
      url: ctx.request.url,
      cause,
    });
  };
}

/** A failed refresh fails the call with its 401 (what an app checks to show a login), the refresh error as cause. */
function refreshFailure(ctx: SyncContext, rejected: SyncError) {
  return (cause: unknown): never => {
    if (ctx.signal.aborted) throw cause;
    throw new SyncError('ERR_HTTP', rejected.message, {
      method: rejected.method,
      url: rejected.url,
      status: rejected.status,
      statusText: rejected.statusText,
      responseText: rejected.responseText,
      responseJSON: rejected.responseJSON,
      headers: rejected.responseHeaders,
      cause,
    });
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
