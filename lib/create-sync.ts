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
type ConfigValues = { [K in Exclude<keyof SyncConfig, 'agent'>]-?: SyncInstance[K] } & { agent: SyncInstance['agent'] };
type Instance = SyncInstance & {
  [STACK]: MiddlewareStack;
  [VALUES]: ConfigValues;
};

/**
 * Every configuration key as an own, enumerable accessor of the instance (so `{ ...sync }` shows them):
 * an assignment is checked and normalised exactly as `createSync()` does it, and throws the same TypeError.
 * One getter per key, each its own function, so that reading `sync.timeout` on every call stays a plain
 * named property load (one shared getter reading `values[key]` measured 3% of a cache hit).
 */
class ConfigAccessors {
  declare [VALUES]: ConfigValues;
  get timeout() {
    return this[VALUES].timeout;
  }
  set timeout(value) {
    this[VALUES].timeout = configValue('timeout', value);
  }
  get headers() {
    return this[VALUES].headers;
  }
  set headers(value) {
    this[VALUES].headers = configValue('headers', value);
  }
  get cacheClient() {
    return this[VALUES].cacheClient;
  }
  set cacheClient(value) {
    this[VALUES].cacheClient = configValue('cacheClient', value);
  }
  get defaultCacheTime() {
    return this[VALUES].defaultCacheTime;
  }
  set defaultCacheTime(value) {
    this[VALUES].defaultCacheTime = configValue('defaultCacheTime', value);
  }
  get cacheGrace() {
    return this[VALUES].cacheGrace;
  }
  set cacheGrace(value) {
    this[VALUES].cacheGrace = configValue('cacheGrace', value);
  }
  get cacheKey() {
    return this[VALUES].cacheKey;
  }
  set cacheKey(value) {
    this[VALUES].cacheKey = configValue('cacheKey', value);
  }
  get cachePrefix() {
    return this[VALUES].cachePrefix;
  }
  set cachePrefix(value) {
    this[VALUES].cachePrefix = configValue('cachePrefix', value);
  }
  get cacheIgnoreHeaders() {
    return this[VALUES].cacheIgnoreHeaders;
  }
  set cacheIgnoreHeaders(value) {
    this[VALUES].cacheIgnoreHeaders = configValue('cacheIgnoreHeaders', value);
  }
  get cacheUserSecret() {
    return this[VALUES].cacheUserSecret;
  }
  set cacheUserSecret(value) {
    this[VALUES].cacheUserSecret = configValue('cacheUserSecret', value);
  }
  get cacheTimeout() {
    return this[VALUES].cacheTimeout;
  }
  set cacheTimeout(value) {
    this[VALUES].cacheTimeout = configValue('cacheTimeout', value);
  }
  get cacheMaxEntryBytes() {
    return this[VALUES].cacheMaxEntryBytes;
  }
  set cacheMaxEntryBytes(value) {
    this[VALUES].cacheMaxEntryBytes = configValue('cacheMaxEntryBytes', value);
  }
  get cacheBreaker() {
    return this[VALUES].cacheBreaker;
  }
  set cacheBreaker(value) {
    this[VALUES].cacheBreaker = configValue('cacheBreaker', value);
  }
  get cacheEarlyRefresh() {
    return this[VALUES].cacheEarlyRefresh;
  }
  set cacheEarlyRefresh(value) {
    this[VALUES].cacheEarlyRefresh = configValue('cacheEarlyRefresh', value);
  }
  get cacheFleet() {
    return this[VALUES].cacheFleet;
  }
  set cacheFleet(value) {
    this[VALUES].cacheFleet = configValue('cacheFleet', value);
  }
  get nearCache() {
    return this[VALUES].nearCache;
  }
  set nearCache(value) {
    this[VALUES].nearCache = configValue('nearCache', value);
  }
  get onCacheError() {
    return this[VALUES].onCacheError;
  }
  set onCacheError(value) {
    this[VALUES].onCacheError = configValue('onCacheError', value);
  }
  get agent() {
    return this[VALUES].agent;
  }
  set agent(value) {
    this[VALUES].agent = configValue('agent', value);
  }
  get maxResponseBytes() {
    return this[VALUES].maxResponseBytes;
  }
  set maxResponseBytes(value) {
    this[VALUES].maxResponseBytes = configValue('maxResponseBytes', value);
  }
  get maxRedirects() {
    return this[VALUES].maxRedirects;
  }
  set maxRedirects(value) {
    this[VALUES].maxRedirects = configValue('maxRedirects', value);
  }
  get privateHeaders() {
    return this[VALUES].privateHeaders;
  }
  set privateHeaders(value) {
    this[VALUES].privateHeaders = configValue('privateHeaders', value);
  }
}
const CONFIG_PROPERTIES: PropertyDescriptorMap = Object.fromEntries(
  Object.entries(Object.getOwnPropertyDescriptors(ConfigAccessors.prototype)).filter(
    ([name]) => name !== 'constructor',
  ),
);
for (const key of CONFIG_KEYS) {
  const descriptor = CONFIG_PROPERTIES[key];
  // A key declared in lib/config.ts without its accessor here fails at load, not silently.
  if (!descriptor?.get || !descriptor.set)
    throw new Error(`backbone-super-sync: no accessor for the config key ${key}`);
  descriptor.enumerable = true;
}

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
  sync[VALUES] = values as ConfigValues;
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
