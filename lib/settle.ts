import { SyncError } from './errors';
import type { CacheStatus, SyncHandle } from './handle';
import { rememberValidators } from './if-modified';
import type { SyncContext } from './types';

/**
 * What settling needs of a call (its context, as lib/context.ts makes it): stated here so that settle.ts
 * and context.ts do not import each other.
 */
export interface SettlingCall extends SyncContext {
  readonly xhr: SyncHandle<unknown>;
  settled: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  unlinkSignal: (() => void) | undefined;
}

/**
 * The one place a call's outcome reaches Backbone: the callbacks (in jQuery's order: success or
 * error, then complete) and the returned promise. Each function settles a call at most once.
 */
export function settleSuccess(ctx: SettlingCall): void {
  if (ctx.settled) return;
  const response = ctx.response;
  if (!response) {
    settleFailure(
      ctx,
      new SyncError('ERR_MIDDLEWARE', 'The stack finished without a response: no step set ctx.response', {
        method: ctx.request.method,
        url: ctx.request.url,
      }),
    );
    return;
  }
  ctx.settled = true;
  unlinkSignal(ctx);
  const { options, xhr } = ctx;
  const textStatus = response.status === 204 ? 'nocontent' : response.status === 304 ? 'notmodified' : 'success';
  xhr.readyState = 4;
  xhr.status = response.status;
  xhr.statusText = response.statusText;
  xhr.responseText = response.text;
  xhr.responseJSON = response.body;
  xhr.responseHeaders = response.headers;
  xhr.textStatus = textStatus;
  xhr.cacheStatus = cacheStatusOf(ctx);
  options.res = { status: response.status, headers: response.headers };
  if (options.ifModified === true && response.status >= 200 && response.status < 300) {
    rememberValidators(ctx.sync, ctx.request, response);
  }
  // A 304 has no body: Backbone's success must leave the model or collection as it is (Backbone issue 3412:
  // `reset` with nothing emptied the collection, and a custom `parse` of nothing can throw); 'sync' still fires.
  if (response.status === 304 && ctx.method === 'read') {
    options.reset = false;
    options.parse = false;
  }

  let thrown: unknown;
  let threw = false;
  try {
    options.success?.call(options.context, response.body, textStatus, xhr);
  } catch (error) {
    thrown = error;
    threw = true;
  }
  try {
    options.complete?.call(options.context, xhr, textStatus);
  } catch (error) {
    if (!threw) thrown = error;
    threw = true;
  }
  // An exception in the app's own callback is the app's: the caller's promise carries it.
  if (threw) ctx.reject(thrown);
  else ctx.resolve(response.body);
}

export function settleFailure(ctx: SettlingCall, error: SyncError): void {
  if (ctx.settled) return;
  ctx.settled = true;
  unlinkSignal(ctx);
  const { options, xhr } = ctx;
  xhr.readyState = error.readyState;
  xhr.status = error.status;
  xhr.statusText = error.statusText;
  xhr.responseText = error.responseText;
  xhr.responseJSON = error.responseJSON;
  xhr.responseHeaders = error.responseHeaders;
  xhr.textStatus = error.textStatus;
  xhr.cacheStatus = cacheStatusOf(ctx);

  // jQuery registers the callbacks only after beforeSend, so a canceled call runs none of them.
  if (error.code === 'ERR_CANCELED') {
    xhr.then(undefined, ignore);
    ctx.reject(error);
    return;
  }
  let thrown: unknown;
  let threw = false;
  if (options.error) {
    options.textStatus = error.textStatus;
    options.errorThrown = error.errorThrown;
    try {
      options.error.call(options.context, error, error.textStatus, error.errorThrown);
    } catch (callbackError) {
      thrown = callbackError;
      threw = true;
    }
  }
  try {
    options.complete?.call(options.context, error, error.textStatus);
  } catch (callbackError) {
    if (!threw) thrown = callbackError;
    threw = true;
  }
  if (threw) {
    ctx.reject(thrown);
    return;
  }
  // Backbone always passes `error` and apps rarely catch fetch()'s promise: a failure the app
  // already handled must not become an unhandled rejection (which ends a Node process).
  if (options.error) xhr.then(undefined, ignore);
  ctx.reject(error);
}

/**
 * Everything a settled call stops holding on to. The app keeps the handle (Backbone keeps it in the
 * model's options), so the handle must not keep the call alive: its context, the request, the model and
 * superagent's objects would all be promoted to the old generation with it.
 */
function unlinkSignal(ctx: SettlingCall): void {
  ctx.xhr.owner = undefined;
  if (ctx.unlinkSignal) {
    ctx.unlinkSignal();
    ctx.unlinkSignal = undefined;
  }
}

function ignore(): void {}

/** The cache step's outcome (`ctx.state.cache`), or 'off' when no cache step took part. */
export function cacheStatusOf(ctx: { state: Record<string, unknown> }): CacheStatus {
  const outcome = ctx.state.cache;
  return typeof outcome === 'string' ? (outcome as CacheStatus) : 'off';
}
