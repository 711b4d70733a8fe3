import {
  abortReason,
  onAbort,
  SyncError,
  isCredentialHeader,
  framingHeaderIn,
  framingHeaderMessage,
  progressReporter,
  type ProgressEvent,
  maskUrl,
  unsupportedSchemeReason,
  wireUrl,
} from '../lib/toolkit';
// The one step at the Node/browser boundary: Node's agent and sockets, or the browser's XHR.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import {
  defaultAgent,
  dropIdleSockets,
  invalidUrlReason,
  isStaleSocketReset,
  rawTextParser,
  RUNTIME,
  statusTextOf,
  type Agent,
} from '../lib/runtime';
import superagent from 'superagent';
import type { Headers, Middleware, SyncContext, SyncResponse } from '../lib/types';

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
    const { request, sync } = ctx;
    const url = wireUrl(request);
    const framing = framingHeaderIn(request.headers);
    const invalid =
      unsupportedSchemeReason(url) ??
      invalidUrlReason(url) ??
      (framing === undefined ? undefined : framingHeaderMessage(framing, 'the request'));
    if (invalid) {
      return Promise.reject(
        new SyncError('ERR_INVALID_REQUEST', invalid, { method: request.method, url: request.url }),
      );
    }
    // The public type describes an agent by shape (no @types/node for browser apps); in Node it is one.
    const agent = sync.agent === undefined ? defaultAgent(url) : (sync.agent as Agent | false);
    return send(ctx, url, agent, true);
  };
}

function send(ctx: SyncContext, url: string, agent: Agent | false, mayRetry: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { request, sync } = ctx;
    const reason = abortReason(ctx);
    if (reason !== undefined) {
      reject(reason);
      return;
    }
    const req = superagent(request.method, url)
      .set(request.headers)
      .ok(acceptEveryStatus)
      .parse(rawTextParser as never);
    // The browser client has no agent or buffering (each only warns there); XHR follows redirects
    // by the browser's own rules and reads the whole body itself.
    if (RUNTIME === 'node') {
      req.buffer(true).redirects(sync.maxRedirects).maxResponseSize(sync.maxResponseBytes);
      if (agent) req.agent(agent);
      req.on('redirect', () => dropCredentialsAcrossOrigins(ctx, req, url));
      req.on('request', () => onUnaskedUpgrade(req, () => stop(unexpectedUpgrade(ctx))));
    }
    const report = progressReporter(ctx);
    // Node's superagent reports an upload only for a Buffer body, and no download: both are counted here.
    if (request.body !== undefined) {
      if (report && RUNTIME === 'node') {
        // As a Buffer, sent in counted chunks; superagent would JSON-encode a Buffer without an identity serializer.
        req.serialize(sendAsIs as never).send(Buffer.from(request.body) as unknown as string);
      } else req.send(request.body);
    }
    if (report) followProgress(req, report);

    let aborted = false;
    const stop = (error: SyncError) => {
      if (aborted) return;
      stopListening();
      aborted = true;
      req.abort();
      reject(error);
    };
    const stopListening = onAbort(ctx, (abortedWith) => {
      aborted = true;
      req.abort();
      reject(abortedWith);
    });
    req.end((error: (Error & { code?: string; response?: unknown }) | null, res: RawResponse) => {
      stopListening();
      if (aborted) return;
      if (error && isRedirectFailure(error)) {
        reject(redirectError(ctx, error, res as unknown as UnfollowedRedirect));
        return;
      }
      if (error && !error.response) {
        // A keep-alive socket the server closed while it sat idle: the request never reached the
        // server, so an idempotent one goes again, once, on a fresh socket (as undici does).
        if (mayRetry && agent && IDEMPOTENT.has(request.method) && isStaleSocketReset(error, req)) {
          dropIdleSockets(agent, url);
          send(ctx, url, agent, false).then(resolve, reject);
          return;
        }
        reject(networkError(ctx, error));
        return;
      }
      ctx.response = new WireResponse(
        res.status,
        statusTextOf(res.status, res.statusText ?? res.res?.statusMessage),
        flattenHeaders(res.headers),
        res.text ?? '',
      );
      resolve();
    });
  });
}

/**
 * A response from the network, built by a constructor so that every one has the same shape: V8 keeps
 * one hidden class for it, and does not pretenure an object literal's allocation site under load.
 */
class WireResponse implements SyncResponse {
  body: unknown = undefined;
  fromCache = false;
  constructor(
    public status: number,
    public statusText: string,
    public headers: Headers,
    public text: string,
  ) {}
}

/** Reports upload and download progress: superagent's events, and in Node the response's own bytes. */
function followProgress(req: OutgoingRequest, report: (event: ProgressEvent) => void): void {
  type Reported = { direction: 'upload' | 'download'; loaded: number; total?: number | string };
  req.on('progress', (event: Reported) => {
    if (RUNTIME === 'node' && event.direction !== 'upload') return;
    report({ direction: event.direction, loaded: event.loaded, total: totalOf(event.total) });
  });
  if (RUNTIME !== 'node') return;
  type Incoming = {
    headers: Record<string, string | undefined>;
    on(event: 'data', fn: (chunk: { length: number }) => void): void;
  };
  req.on('request', () => {
    (req as unknown as { req?: { on(event: 'response', fn: (res: Incoming) => void): void } }).req?.on(
      'response',
      (res) => {
        const total = totalOf(res.headers['content-length']);
        let loaded = 0;
        res.on('data', (chunk) => {
          loaded += chunk.length;
          report({ direction: 'download', loaded, total });
        });
      },
    );
  });
}

function sendAsIs(body: unknown): unknown {
  return body;
}

function totalOf(value: number | string | undefined): number | undefined {
  const total = Number(value);
  return value !== undefined && Number.isFinite(total) && total >= 0 ? total : undefined;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

type OutgoingRequest = ReturnType<typeof superagent.get>;

/** superagent drops only Authorization and Cookie; every header that is a credential on this call goes too. */
function dropCredentialsAcrossOrigins(ctx: SyncContext, req: OutgoingRequest, from: string): void {
  if (originOf(req.url) === originOf(from)) return;
  for (const name in ctx.request.headers) if (isCredentialHeader(ctx, name)) req.unset(name.toLowerCase());
}

/**
 * A 101 nobody asked for: Node hands the socket to an 'upgrade' listener, and without one it closes the
 * socket without an error, so superagent would wait forever (with `timeout: 0`). The call fails at once.
 */
function onUnaskedUpgrade(req: OutgoingRequest, fail: () => void): void {
  type Upgradable = { on(event: 'upgrade', listener: (res: unknown, socket: { destroy(): void }) => void): void };
  (req as unknown as { req?: Upgradable }).req?.on('upgrade', (_res, socket) => {
    socket.destroy();
    fail();
  });
}

function unexpectedUpgrade(ctx: SyncContext): SyncError {
  return new SyncError('ERR_NETWORK', 'Unexpected 101 Switching Protocols: the request asked for no upgrade', {
    method: ctx.request.method,
    url: ctx.request.url,
  });
}

interface UnfollowedRedirect {
  statusCode?: number;
  statusMessage?: string;
  headers?: Record<string, string | string[] | undefined>;
}

function isRedirectFailure(error: Error & { code?: string }): boolean {
  return (
    error.code === 'EINVALIDREDIRECT' ||
    error.code === 'EUNSUPPORTEDREDIRECT' ||
    error.message === 'No location header for redirect'
  );
}

/** A 3xx superagent would not follow: the real status, and why. */
function redirectError(
  ctx: SyncContext,
  error: Error & { code?: string },
  res: UnfollowedRedirect | undefined,
): SyncError {
  const status = res?.statusCode ?? 0;
  const location = res?.headers?.location;
  const target = typeof location === 'string' ? maskUrl(location) : '';
  const why =
    error.code === 'EUNSUPPORTEDREDIRECT'
      ? `to a refused protocol (only http: and https: are followed): ${target}`
      : error.code === 'EINVALIDREDIRECT'
        ? `to an invalid Location: ${target}`
        : 'without a Location header';
  return new SyncError('ERR_HTTP', `Redirect ${status} not followed: ${why}`, {
    method: ctx.request.method,
    url: ctx.request.url,
    status,
    statusText: statusTextOf(status, res?.statusMessage),
    responseText: '',
    headers: res?.headers ? flattenHeaders(res.headers) : {},
    cause: error,
  });
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
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
