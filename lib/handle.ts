import { formatHeaders, type SyncError } from './errors';
import type { Headers } from './http-types';

/** What the handle needs of its call: implemented by the call's context. */
export interface HandleOwner {
  abortCall(statusText?: string): void;
  setRequestHeader(name: string, value: string): void;
}

export type CacheStatus = 'hit' | 'revalidated' | 'stale' | 'miss' | 'shared' | 'bypass' | 'off';

type DoneCallback<T> = (data: T, textStatus: string, xhr: SyncHandle<T>) => void;
type FailCallback = (xhr: SyncError, textStatus: string, errorThrown: string) => void;

/**
 * What `sync` returns: a native Promise of the parsed body that is also shaped like jQuery's jqXHR,
 * so code written against `Backbone.ajax` keeps working (`xhr.abort()`, `xhr.status`, `done/fail`).
 * Derived promises (`then`, `catch`) are plain Promises.
 */
export class SyncHandle<T = unknown> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** 0 before sending and after a failure without a response, 1 while open, 4 when done. */
  readyState: 0 | 1 | 4 = 1;
  status = 0;
  statusText = '';
  responseText: string | undefined = undefined;
  responseJSON: unknown = undefined;
  /** The outcome's textStatus once settled ('success', 'error', 'timeout', ...). */
  textStatus: string | undefined = undefined;
  responseHeaders: Headers = {};
  /**
   * How the cache answered, once settled: 'hit', 'revalidated' (a 304 confirmed the stored body), 'stale'
   * (a stored answer past its freshness), 'miss', 'shared' (another call's fetch), 'bypass' (the read
   * could not use the cache), or 'off' (no `cache: true`, or a write).
   */
  cacheStatus: CacheStatus | undefined = undefined;
  /** @internal set by the call that owns this handle */
  owner: HandleOwner | undefined = undefined;

  /** Aborts the call: it fails with textStatus 'abort' and status 0. */
  abort(statusText?: string): this {
    this.owner?.abortCall(statusText);
    return this;
  }

  /** Sets a request header; meant for `beforeSend`, as on a jqXHR. */
  setRequestHeader(name: string, value: string): this {
    this.owner?.setRequestHeader(name, value);
    return this;
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }

  getAllResponseHeaders(): string {
    return formatHeaders(this.responseHeaders);
  }

  /** jQuery's `done(fn)`: `fn(data, textStatus, xhr)` on success. Chainable. */
  done(...callbacks: DoneCallback<T>[]): this {
    this.then((data) => {
      for (const callback of callbacks) callback(data, this.textStatus as string, this);
    }, ignore);
    return this;
  }

  /** jQuery's `fail(fn)`: `fn(error, textStatus, errorThrown)` on failure. Chainable. */
  fail(...callbacks: FailCallback[]): this {
    this.then(undefined, (error: SyncError) => {
      for (const callback of callbacks) callback(error, error.textStatus, error.errorThrown);
    });
    return this;
  }

  /** jQuery's `always(fn)`: runs after either outcome with that outcome's arguments. */
  always(...callbacks: ((...args: unknown[]) => void)[]): this {
    this.done(...callbacks);
    this.fail(...callbacks);
    return this;
  }
}

function ignore(): void {}
