import { maskUrl } from './redact';
import type { Headers, HttpMethod } from './http-types';

/** Stable codes for every way a call can fail. */
export type SyncErrorCode =
  | 'ERR_HTTP'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_CANCELED'
  | 'ERR_PARSE'
  | 'ERR_NETWORK'
  | 'ERR_RESPONSE_TOO_LARGE'
  | 'ERR_TOO_MANY_REDIRECTS'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_MIDDLEWARE'
  | 'ERR_CACHE'
  | 'ERR_CONFLICT';

/** jQuery's textStatus values for a failed call. */
export type FailureTextStatus = 'error' | 'timeout' | 'abort' | 'parsererror' | 'canceled' | 'conflict';

const TEXT_STATUS: Record<SyncErrorCode, FailureTextStatus> = {
  ERR_HTTP: 'error',
  ERR_TIMEOUT: 'timeout',
  ERR_ABORTED: 'abort',
  ERR_CANCELED: 'canceled',
  ERR_PARSE: 'parsererror',
  ERR_NETWORK: 'error',
  ERR_RESPONSE_TOO_LARGE: 'error',
  ERR_TOO_MANY_REDIRECTS: 'error',
  ERR_INVALID_REQUEST: 'error',
  ERR_MIDDLEWARE: 'error',
  // Never fails a call: only handed to `onCacheError`.
  ERR_CACHE: 'error',
  // A 412 to a write that `concurrency()` made conditional: someone else changed the model first.
  ERR_CONFLICT: 'conflict',
};

export interface SyncErrorDetails {
  method?: HttpMethod | string;
  url?: string;
  status?: number;
  statusText?: string;
  responseText?: string;
  responseJSON?: unknown;
  headers?: Headers;
  cause?: unknown;
}

/**
 * The one error type of the package. It is also the xhr-like object Backbone's `error` callback
 * receives (jQuery hands a jqXHR there), so it carries the same fields: `status`, `statusText`,
 * `responseText`, `responseJSON`, `readyState`, `getResponseHeader()`.
 */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  readonly code: SyncErrorCode;
  readonly textStatus: FailureTextStatus;
  /** The HTTP verb sent. */
  readonly method: string;
  readonly url: string;
  /** 0 for network failures, timeouts, aborts and cancellations. */
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string | undefined;
  readonly responseJSON: unknown;
  /** 4 when a response arrived, 0 otherwise (as an XMLHttpRequest reports it). */
  readonly readyState: 0 | 4;
  readonly responseHeaders: Headers;

  constructor(code: SyncErrorCode, message: string, details: SyncErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.textStatus = TEXT_STATUS[code];
    this.method = details.method ?? '';
    // Errors get logged and serialised: the URL never carries a password or a token out of the call.
    this.url = maskUrl(details.url ?? '');
    this.status = details.status ?? 0;
    this.statusText = details.statusText ?? (this.status ? message : this.textStatus);
    this.responseText = details.responseText;
    this.responseJSON = details.responseJSON;
    this.responseHeaders = withoutSetCookie(details.headers);
    this.readyState = this.status ? 4 : 0;
  }

  /** jQuery's errorThrown: the status text for HTTP errors, else the message. */
  get errorThrown(): string {
    return this.code === 'ERR_HTTP' || this.code === 'ERR_CONFLICT' ? this.statusText : this.message;
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }

  getAllResponseHeaders(): string {
    return formatHeaders(this.responseHeaders);
  }

  /** What `JSON.stringify(error)` shows: safe to log (no request header, no Set-Cookie, the URL masked). */
  toJSON(): SafeErrorFields {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      textStatus: this.textStatus,
      method: this.method,
      url: this.url,
      status: this.status,
      statusText: this.statusText,
      responseHeaders: this.responseHeaders,
    };
  }

  /**
   * What `util.inspect` and `console.log` show: the stack and the safe fields, not the `cause` (a
   * client's error can hold the request with its headers and the raw response).
   */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    const fields = this.toJSON();
    return `${this.stack ?? `${this.name}: ${this.message}`} ${inspect ? inspect(fields, options) : JSON.stringify(fields)}`;
  }
}

/** The fields of a `SyncError` that are safe to log. */
export interface SafeErrorFields {
  name: string;
  code: SyncErrorCode;
  message: string;
  textStatus: FailureTextStatus;
  method: string;
  url: string;
  status: number;
  statusText: string;
  responseHeaders: Headers;
}

function withoutSetCookie(headers: Headers | undefined): Headers {
  if (headers === undefined) return {};
  let kept: Headers | undefined;
  for (const name in headers) {
    if (name.toLowerCase() === 'set-cookie') kept ??= { ...headers };
  }
  if (kept === undefined) return headers;
  for (const name in kept) if (name.toLowerCase() === 'set-cookie') delete kept[name];
  return kept;
}

/**
 * A copy with its own `responseJSON` and headers, for a caller that shares a failed request with others.
 * The body is parsed again from the text, never copied by recursion: a body nested too deep to copy gives
 * this caller `responseJSON: undefined`, never a different error.
 */
export function copyError(error: SyncError): SyncError {
  const { code, message, method, url, status, statusText, responseText, responseJSON, responseHeaders, cause } = error;
  return new SyncError(code, message, {
    method,
    url,
    status,
    statusText,
    responseText,
    responseJSON: responseJSON === undefined ? undefined : ownCopy(responseJSON, responseText),
    headers: { ...responseHeaders },
    cause,
  });
}

function ownCopy(value: unknown, text: string | undefined): unknown {
  try {
    if (text !== undefined && text !== '') return JSON.parse(text);
    return typeof value === 'object' && value !== null ? structuredClone(value) : value;
  } catch {
    return undefined;
  }
}

/** Response headers in XMLHttpRequest's `getAllResponseHeaders()` format. */
export function formatHeaders(headers: Headers): string {
  let text = '';
  for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
  return text;
}
