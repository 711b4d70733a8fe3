import superagent from 'superagent';
import { SyncError } from '../lib/errors';
import { withQuery } from '../lib/query';
import { defaultAgent, rawTextParser, RUNTIME, statusTextOf } from '../lib/runtime';
import type { Headers, Middleware, SyncContext } from '../lib/types';

interface RawResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string | string[] | null | undefined>;
  text?: string;
  res?: { statusMessage?: string };
}

/**
 * The innermost step: sends `ctx.request` with superagent and puts the raw response on
 * `ctx.response` (status, headers, text). Every status is a response here; `parse` judges it.
 * Replace it (`sync.replace('transport', fake)`) to answer from anything else.
 */
export function transport(): Middleware {
  return function transport(ctx) {
    return new Promise<void>((resolve, reject) => {
      const { request, sync } = ctx;
      const signal = ctx.signal;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const url = withQuery(request.url, request.query);
      const req = superagent(request.method, url)
        .set(request.headers)
        .ok(acceptEveryStatus)
        .parse(rawTextParser as never);
      // The browser client has no agent or buffering (each only warns there), and XHR follows
      // redirects and reads the whole body itself.
      if (RUNTIME === 'node') {
        req.buffer(true).redirects(sync.maxRedirects).maxResponseSize(sync.maxResponseBytes);
        const agent = sync.agent === undefined ? defaultAgent(url) : sync.agent;
        if (agent) req.agent(agent);
      }
      if (request.body !== undefined) req.send(request.body);

      const onAbort = () => {
        req.abort();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.end((error: (Error & { code?: string; response?: unknown }) | null, res: RawResponse) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return;
        if (error && !error.response) {
          reject(networkError(ctx, error));
          return;
        }
        ctx.response = {
          status: res.status,
          statusText: statusTextOf(res.status, res.statusText ?? res.res?.statusMessage),
          headers: flattenHeaders(res.headers),
          text: res.text ?? '',
          body: undefined,
          fromCache: false,
        };
        resolve();
      });
    });
  };
}

function acceptEveryStatus(): boolean {
  return true;
}

function networkError(ctx: SyncContext, error: Error & { code?: string }): SyncError {
  const details = { method: ctx.request.method, url: ctx.request.url, cause: error };
  if (error.code === 'ETOOLARGE') {
    return new SyncError(
      'ERR_RESPONSE_TOO_LARGE',
      `Response body larger than maxResponseBytes (${ctx.sync.maxResponseBytes} bytes)`,
      details,
    );
  }
  return new SyncError('ERR_NETWORK', error.message, details);
}

function flattenHeaders(raw: Record<string, string | string[] | null | undefined>): Headers {
  const headers: Headers = {};
  for (const name in raw) {
    const value = raw[name];
    // The browser client reports a missing Content-Type as null.
    if (value != null) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
