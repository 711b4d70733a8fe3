import { CallContext } from './context';
import { SyncError } from './errors';
import { addValidators } from './if-modified';
import { supersedeRead } from './latest';
import { buildRequest } from './request';
import { settleFailure, settleSuccess } from './settle';
import { MiddlewareStack, renderOnion, type Pipeline } from './stack';
import { builtInSteps } from '../middleware/built-in';
import {
  checkConfig,
  CONFIG,
  CONFIG_KEYS,
  CONFIG_PROPERTIES,
  CONFIG_VALUES,
  configValue,
  STEP_KEYS,
  type ConfigValues,
} from './config';
import { INSTANCE_APIS } from './instance-api';
import type {
  BeforeSendSettings,
  Middleware,
  Placement,
  PrintOptions,
  SyncConfig,
  SyncInstance,
  SyncMethod,
  SyncModel,
  SyncOptions,
} from './types';

const STACK = Symbol('backbone-super-sync.stack');
type Instance = SyncInstance & {
  [STACK]: MiddlewareStack;
  [CONFIG_VALUES]: ConfigValues;
};

/**
 * Makes an independent sync instance: `Backbone.sync = createSync({ headers: { 'x-app-token': t } })`.
 */
export function createSync(config: SyncConfig = {}): SyncInstance {
  return makeInstance(config, new MiddlewareStack(builtInSteps()));
}

function makeInstance(config: SyncConfig, stack: MiddlewareStack, parent?: SyncInstance): SyncInstance {
  checkConfig(config);
  const values: ConfigValues = {};
  for (const key of CONFIG_KEYS) {
    const given = config[key];
    values[key] = given === undefined ? CONFIG[key].default() : configValue(key, given);
  }
  const sync = function sync(method: SyncMethod, model: SyncModel, options?: SyncOptions) {
    return runCall(sync as Instance, method, model, options);
  } as Instance;
  Object.setPrototypeOf(sync, instanceMethods);
  sync[STACK] = stack;
  sync[CONFIG_VALUES] = values;
  // Only the keys of steps the stack has: defined once, never deleted (a deleted property would turn the
  // instance into a dictionary-mode object, slowing every config read of every call).
  Object.defineProperties(sync, shownProperties(stack));
  if (parent) for (const api of INSTANCE_APIS.values()) api.inherit?.(parent, sync);
  showStepsOwn(sync);
  return sync;
}

function shownProperties(stack: MiddlewareStack): PropertyDescriptorMap {
  let shown = CONFIG_PROPERTIES;
  for (const [step, keys] of STEP_KEYS) {
    if (stack.has(step)) continue;
    if (shown === CONFIG_PROPERTIES) shown = { ...CONFIG_PROPERTIES };
    for (const key of keys) delete shown[key];
  }
  return shown;
}

/**
 * What a module declares for a step (its config keys, its instance property) is on the instance while its
 * stack has that step: `sync.remove('cache')` takes `sync.cache` and the cache's keys away (their values are
 * kept, for a step of that name added again).
 */
function showStepsOwn(sync: Instance): void {
  const stack = sync[STACK];
  for (const [step, keys] of STEP_KEYS) {
    const present = stack.has(step);
    for (const key of keys) {
      const shown = Object.prototype.hasOwnProperty.call(sync, key);
      if (present && !shown) Object.defineProperty(sync, key, CONFIG_PROPERTIES[key]);
      else if (!present && shown) delete (sync as unknown as Record<string, unknown>)[key];
    }
  }
  for (const [name, api] of INSTANCE_APIS) {
    const present = stack.has(api.step);
    const shown = Object.prototype.hasOwnProperty.call(sync, name);
    if (present && !shown) {
      Object.defineProperty(sync, name, { value: api.create(sync), enumerable: true, configurable: true });
    } else if (!present && shown) delete (sync as unknown as Record<string, unknown>)[name];
  }
}

function runCall(sync: Instance, method: SyncMethod, model: SyncModel, options: SyncOptions = {}) {
  const request = buildRequest(sync, method, model, options);
  // Composed per call, and only for calls that bring their own steps: the common path reuses the cached pipeline.
  const pipeline =
    options.middleware === undefined
      ? sync[STACK].pipeline()
      : sync[STACK].withRequestSteps(options.middleware).pipeline();
  if (options.ifModified === true && request.method === 'GET') addValidators(sync, request);
  const ctx = new CallContext(sync, method, model, options, request);
  const xhr = ctx.xhr;
  // As jQuery: returning false from beforeSend, or aborting in it, cancels the call (no callback runs).
  if (options.beforeSend && beforeSendCancels(ctx)) {
    ctx.abort(new SyncError('ERR_CANCELED', 'Canceled by beforeSend', { method: request.method, url: request.url }));
  } else if (options.latest === true && method === 'read') {
    supersedeRead(model, xhr);
  }
  options.xhr = xhr;
  try {
    model.trigger?.('request', model, xhr, options);
  } finally {
    // The run starts after Backbone's 'request' event, so that whatever ends the call at once (an aborted
    // signal, abort() in a 'request' handler, a step) runs the callbacks after the event, as with jQuery.
    if (!ctx.settled) linkSignal(ctx, options.signal);
    if (!ctx.settled) void run(ctx, pipeline);
  }
  return xhr;
}

/** Settles the call: the one place besides `ctx.abort()` (which settles at once, as jqXHR.abort() does). */
async function run(ctx: CallContext, pipeline: Pipeline): Promise<void> {
  try {
    await pipeline(ctx);
    settleSuccess(ctx);
  } catch (error) {
    settleFailure(ctx, asSyncError(ctx, error));
  }
}

function asSyncError(ctx: CallContext, error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError('ERR_MIDDLEWARE', message, { method: ctx.request.method, url: ctx.request.url, cause: error });
}

/** Runs `options.beforeSend`; true when it cancels the call (returns false, or aborts the handle). */
function beforeSendCancels(ctx: CallContext): boolean {
  const { xhr } = ctx;
  // jQuery registers the callbacks after beforeSend: an abort() in it cancels the call, it does not fail it.
  let canceled = false;
  xhr.owner = {
    abortCall: () => void (canceled = true),
    setRequestHeader: (name, value) => ctx.setRequestHeader(name, value),
  };
  try {
    return runBeforeSend(ctx) === false || canceled;
  } finally {
    xhr.owner = ctx;
  }
}

function runBeforeSend(ctx: CallContext): unknown {
  const { options, request } = ctx;
  const settings: BeforeSendSettings = {
    type: request.method,
    url: request.url,
    data: request.body,
    contentType: request.headers['content-type'] ?? false,
    dataType: options.dataType ?? 'json',
    headers: request.headers,
    timeout: request.timeout,
    context: options.context,
  };
  const result = options.beforeSend!.call(options.context, ctx.xhr, settings);
  // jQuery lets beforeSend rewrite the settings it is handed.
  request.url = settings.url;
  request.body = settings.data;
  return result;
}

function linkSignal(ctx: CallContext, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) {
    ctx.abortCall();
    return;
  }
  const onAbort = () => ctx.abortCall();
  signal.addEventListener('abort', onAbort, { once: true });
  ctx.unlinkSignal = () => signal.removeEventListener('abort', onAbort);
}

/**
 * What `extend()` copies: every declared key (those of a step the parent no longer has included, so that the
 * child has them if it adds the step back), with lists and objects copied so the child owns its own.
 */
function configOf(sync: Instance): SyncConfig {
  const copy: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value: unknown = sync[CONFIG_VALUES][key];
    copy[key] = Array.isArray(value) ? [...value] : isPlainObject(value) ? { ...value } : value;
  }
  return copy as SyncConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

// Shared by every instance through its prototype, so an instance costs one function object.
const instanceMethods = Object.create(Function.prototype, {
  use: {
    value(this: Instance, nameOrMiddleware: string | Middleware, middleware?: Middleware, placement?: Placement) {
      if (typeof nameOrMiddleware === 'function') this[STACK].add(undefined, nameOrMiddleware);
      else this[STACK].add(nameOrMiddleware, middleware as Middleware, placement);
      showStepsOwn(this);
      return this;
    },
  },
  remove: {
    value(this: Instance, name: string) {
      this[STACK].remove(name);
      showStepsOwn(this);
      return this;
    },
  },
  replace: {
    value(this: Instance, name: string, middleware: Middleware) {
      this[STACK].replace(name, middleware);
      return this;
    },
  },
  steps: {
    value(this: Instance) {
      return this[STACK].names();
    },
  },
  print: {
    value(this: Instance, options?: PrintOptions) {
      const stack = options?.middleware === undefined ? this[STACK] : this[STACK].withRequestSteps(options.middleware);
      return renderOnion(stack.list());
    },
  },
  extend: {
    value(this: Instance, config: SyncConfig = {}) {
      return makeInstance({ ...configOf(this), ...config }, this[STACK].clone(), this);
    },
  },
});
