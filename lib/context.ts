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
  // Most calls never look at the signal in user code; the transport does, so it is made on demand.
  private controller: AbortController | undefined = undefined;

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
    // Settle now: steps (and superagent, see its issue 1344) need not answer after an abort.
    settleFailure(this, error);
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
