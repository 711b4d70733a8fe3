import { SyncError } from './errors';
import { SyncHandle, type HandleOwner } from './handle';
import { settleFailure } from './settle';
import type { SyncContext, SyncInstance, SyncMethod, SyncModel, SyncOptions, SyncRequest, SyncResponse } from './types';

/** One call: the context every step sees, and the owner of the handle returned to the caller. */
export class CallContext implements SyncContext, HandleOwner {
  response: SyncResponse | undefined = undefined;
  state: Record<string, unknown> = {};
  deadline = Infinity;
  readonly xhr: SyncHandle<unknown>;
  /** @internal */ settled = false;
  /** @internal */ aborted: SyncError | undefined = undefined;
  /** @internal */ resolve!: (value: unknown) => void;
  /** @internal */ reject!: (reason: unknown) => void;
  /** @internal removes the listener on `options.signal` */ unlinkSignal: (() => void) | undefined = undefined;
  // Made on demand: Node's AbortSignal costs a few µs and some garbage per call, and the default
  // stack never needs one (the transport listens through onAbort()).
  private controller: AbortController | undefined = undefined;
  private abortListeners: Array<(reason: SyncError) => void> | undefined = undefined;

  constructor(
    readonly sync: SyncInstance,
    readonly method: SyncMethod,
    readonly model: SyncModel,
    readonly options: SyncOptions,
    public request: SyncRequest,
  ) {
    this.xhr = new SyncHandle((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.xhr.owner = this;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.aborted);
    }
    return this.controller.signal;
  }

  abort(error: SyncError): void {
    if (this.aborted || this.settled) return;
    this.aborted = error;
    this.controller?.abort(error);
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    if (listeners) for (const listener of listeners) callListener(listener, error);
    // Settled now, as jqXHR.abort() runs the callbacks before it returns (an app that aborts a fetch and
    // starts the next one sees the first one's error first); steps (and superagent, see its issue 1344) need
    // not answer after an abort.
    settleFailure(this, error);
  }

  /** @internal see onAbort() */
  addAbortListener(listener: (reason: SyncError) => void): () => void {
    const listeners = (this.abortListeners ??= []);
    listeners.push(listener);
    return () => {
      const index = listeners.indexOf(listener);
      if (index !== -1) listeners.splice(index, 1);
    };
  }

  abortCall(statusText = 'abort'): void {
    this.abort(
      new SyncError('ERR_ABORTED', statusText === 'abort' ? 'Request aborted' : statusText, {
        method: this.request.method,
        url: this.request.url,
        statusText,
      }),
    );
  }

  setRequestHeader(name: string, value: string): void {
    this.request.headers[name.toLowerCase()] = value;
  }
}

/**
 * A context for work no single call owns (one request several callers share): the request copied, the
 * given signal, no deadline of its own (each caller bounds its own wait), a handle nobody holds, and the
 * call's options without its callbacks, handle and signal. No step inside can reach the first caller's
 * callbacks, its handle or its abort. Made by the core, for `runShared` and the steps that share requests.
 */
export function detachedContext(
  ctx: SyncContext,
  controller: AbortController,
  headers?: Record<string, string>,
): SyncContext {
  const options = { ...ctx.options };
  for (const own of CALL_ONLY_OPTIONS) delete options[own];
  return {
    method: ctx.method,
    model: ctx.model,
    options,
    sync: ctx.sync,
    xhr: new SyncHandle(ignore),
    request: { ...ctx.request, headers: { ...ctx.request.headers, ...headers } },
    response: undefined,
    // The first caller's step timings go on through the shared work (tracing, logger({ timings })).
    state: ctx.state.timings === undefined ? {} : { timings: ctx.state.timings },
    signal: controller.signal,
    deadline: Infinity,
    abort: (error) => controller.abort(error),
  };
}

/** What belongs to one call only, and never to work it shares with others. */
const CALL_ONLY_OPTIONS = ['success', 'error', 'complete', 'beforeSend', 'xhr', 'signal', 'context'] as const;

function ignore(): void {}

/**
 * Runs `listener` once with the reason if the call is aborted (`xhr.abort()`, `options.signal`, the
 * timeout), and returns the way to stop listening. The same as listening on `ctx.signal`, without
 * making an AbortSignal for the call's own context: the transport listens on every call.
 */
export function onAbort(ctx: SyncContext, listener: (reason: unknown) => void): () => void {
  if (ctx instanceof CallContext) return ctx.addAbortListener(listener);
  const signal = ctx.signal;
  const onSignal = () => listener(signal.reason);
  signal.addEventListener('abort', onSignal, { once: true });
  return () => signal.removeEventListener('abort', onSignal);
}

/** The reason the call was aborted with, or undefined while it is not aborted. */
export function abortReason(ctx: SyncContext): unknown {
  if (ctx instanceof CallContext) return ctx.aborted;
  return ctx.signal.aborted ? ctx.signal.reason : undefined;
}

function callListener(listener: (reason: SyncError) => void, reason: SyncError): void {
  try {
    listener(reason);
  } catch (error) {
    // As an AbortSignal listener's exception would: reported, and the call still settles.
    queueMicrotask(() => {
      throw error;
    });
  }
}
