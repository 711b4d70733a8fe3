import { CallContext } from './context';
import { SyncError } from './errors';
import { addValidators } from './if-modified';
import { supersedeRead } from './latest';
import { buildRequest } from './request';
import { settleFailure, settleSuccess } from './settle';
import { MiddlewareStack, renderOnion, type Pipeline } from './stack';
import { builtInSteps } from '../middleware/built-in';
import { cacheControl, inheritCache } from './cache/instance';
import { checkConfig, CONFIG, CONFIG_KEYS, configValue } from './config';
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
const VALUES = Symbol('backbone-super-sync.config');
type Instance = SyncInstance & {
  [STACK]: MiddlewareStack;
  [VALUES]: Record<string, unknown>;
};

/**
 * Every configuration key as an own, enumerable accessor of the instance (so `{ ...sync }` shows them):
 * an assignment is checked and normalised exactly as `createSync()` does it, and throws the same TypeError.
 */
const CONFIG_PROPERTIES: PropertyDescriptorMap = Object.fromEntries(
  CONFIG_KEYS.map((key) => [
    key,
    {
      get(this: Instance) {
        return this[VALUES][key];
      },
      set(this: Instance, value: unknown) {
        this[VALUES][key] = configValue(key, value);
      },
      enumerable: true,
    },
  ]),
);

/**
 * Makes an independent sync instance: `Backbone.sync = createSync({ headers: { 'x-app-token': t } })`.
 */
export function createSync(config: SyncConfig = {}): SyncInstance {
  return makeInstance(config, new MiddlewareStack(builtInSteps()));
}

function makeInstance(config: SyncConfig, stack: MiddlewareStack): SyncInstance {
  checkConfig(config);
  const values: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const given = config[key];
    values[key] = given === undefined ? CONFIG[key].default() : configValue(key, given);
  }
  const sync = function sync(method: SyncMethod, model: SyncModel, options?: SyncOptions) {
    return runCall(sync as Instance, method, model, options);
  } as Instance;
  Object.setPrototypeOf(sync, instanceMethods);
  sync[STACK] = stack;
  sync[VALUES] = values;
  Object.defineProperties(sync, CONFIG_PROPERTIES);
  Object.defineProperty(sync, 'cache', { value: cacheControl(sync), enumerable: true });
  return sync;
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
  ctx.starting = true;
  // As jQuery: returning false from beforeSend, or aborting in it, cancels the call (no callback runs).
  if (options.beforeSend && (runBeforeSend(ctx) === false || ctx.aborted)) {
    ctx.aborted = undefined;
    ctx.abort(new SyncError('ERR_CANCELED', 'Canceled by beforeSend', { method: request.method, url: request.url }));
  } else {
    linkSignal(ctx, options.signal);
    if (options.latest === true && method === 'read') supersedeRead(model, xhr);
    if (!ctx.aborted) void run(ctx, pipeline);
  }
  options.xhr = xhr;
  try {
    model.trigger?.('request', model, xhr, options);
  } finally {
    ctx.starting = false;
    if (ctx.aborted) settleFailure(ctx, ctx.aborted);
  }
  return xhr;
}

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

/** What `extend()` copies: every declared key, with lists and objects copied so the child owns its own. */
function configOf(sync: SyncInstance): SyncConfig {
  const copy: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value: unknown = sync[key];
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
      return this;
    },
  },
  remove: {
    value(this: Instance, name: string) {
      this[STACK].remove(name);
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
      const child = makeInstance({ ...configOf(this), ...config }, this[STACK].clone());
      inheritCache(this, child);
      return child;
    },
  },
});
