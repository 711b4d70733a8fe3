import { CallContext } from './context';
import { SyncError } from './errors';
import { buildRequest } from './request';
import { settleFailure, settleSuccess } from './settle';
import { MiddlewareStack, renderOnion, type Pipeline } from './stack';
import { builtInSteps } from '../middleware/built-in';
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
type Instance = SyncInstance & { [STACK]: MiddlewareStack };

const CONFIG_DEFAULTS: Required<Omit<SyncConfig, 'agent' | 'cacheClient'>> = {
  timeout: 10_000,
  headers: {},
  defaultCacheTime: 3600,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
};
const CONFIG_KEYS = new Set<string>([...Object.keys(CONFIG_DEFAULTS), 'agent', 'cacheClient']);

/**
 * Makes an independent sync instance: `Backbone.sync = createSync({ headers: { 'x-app-token': t } })`.
 */
export function createSync(config: SyncConfig = {}): SyncInstance {
  return makeInstance(config, new MiddlewareStack(builtInSteps()));
}

function makeInstance(config: SyncConfig, stack: MiddlewareStack): SyncInstance {
  checkConfig(config);
  const sync = function sync(method: SyncMethod, model: SyncModel, options?: SyncOptions) {
    return runCall(sync as Instance, method, model, options);
  } as Instance;
  Object.setPrototypeOf(sync, instanceMethods);
  sync[STACK] = stack;
  sync.timeout = config.timeout ?? CONFIG_DEFAULTS.timeout;
  sync.headers = config.headers ?? {};
  sync.cacheClient = config.cacheClient ?? null;
  sync.defaultCacheTime = config.defaultCacheTime ?? CONFIG_DEFAULTS.defaultCacheTime;
  sync.agent = config.agent;
  sync.maxResponseBytes = config.maxResponseBytes ?? CONFIG_DEFAULTS.maxResponseBytes;
  sync.maxRedirects = config.maxRedirects ?? CONFIG_DEFAULTS.maxRedirects;
  return sync;
}

function runCall(sync: Instance, method: SyncMethod, model: SyncModel, options: SyncOptions = {}) {
  const request = buildRequest(sync, method, model, options);
  // Composed per call, and only for calls that bring their own steps: the common path reuses the cached pipeline.
  const pipeline =
    options.middleware === undefined
      ? sync[STACK].pipeline()
      : sync[STACK].withRequestSteps(options.middleware).pipeline();
  const ctx = new CallContext(sync, method, model, options, request);
  const xhr = ctx.xhr;
  if (options.beforeSend && runBeforeSend(ctx) === false) {
    ctx.abort(new SyncError('ERR_CANCELED', 'Canceled by beforeSend', { method: request.method, url: request.url }));
  } else {
    linkSignal(ctx, options.signal);
    if (!ctx.settled) void run(ctx, pipeline);
  }
  options.xhr = xhr;
  model.trigger?.('request', model, xhr, options);
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

function checkConfig(config: SyncConfig): void {
  if (config === null || typeof config !== 'object') throw new TypeError('The sync config must be an object');
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.has(key)) {
      throw new TypeError(`Unknown sync option "${key}" (known: ${[...CONFIG_KEYS].join(', ')})`);
    }
  }
  const { timeout, headers, defaultCacheTime, maxResponseBytes, maxRedirects, agent } = config;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) {
    throw new TypeError(`timeout must be a number of ms >= 0, got ${String(timeout)}`);
  }
  if (headers !== undefined && (headers === null || (typeof headers !== 'object' && typeof headers !== 'function'))) {
    throw new TypeError('headers must be an object or a function of the context returning one');
  }
  if (defaultCacheTime !== undefined && typeof defaultCacheTime !== 'number') {
    throw new TypeError(`defaultCacheTime must be a number of seconds, got ${String(defaultCacheTime)}`);
  }
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0)) {
    throw new TypeError(`maxResponseBytes must be a positive integer, got ${String(maxResponseBytes)}`);
  }
  if (maxRedirects !== undefined && !(Number.isSafeInteger(maxRedirects) && maxRedirects >= 0)) {
    throw new TypeError(`maxRedirects must be an integer >= 0, got ${String(maxRedirects)}`);
  }
  if (agent !== undefined && agent !== false && (agent === null || typeof agent !== 'object')) {
    throw new TypeError('agent must be an http.Agent or false');
  }
}

function configOf(sync: SyncInstance): SyncConfig {
  const headers = typeof sync.headers === 'function' ? sync.headers : { ...sync.headers };
  return {
    timeout: sync.timeout,
    headers,
    cacheClient: sync.cacheClient,
    defaultCacheTime: sync.defaultCacheTime,
    agent: sync.agent,
    maxResponseBytes: sync.maxResponseBytes,
    maxRedirects: sync.maxRedirects,
  };
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
      return makeInstance({ ...configOf(this), ...config }, this[STACK].clone());
    },
  },
});
