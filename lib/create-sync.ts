import { CallContext } from './context';
import { SyncError } from './errors';
import { addValidators } from './if-modified';
import { supersedeRead } from './latest';
import { buildRequest } from './request';
import { settleFailure, settleSuccess } from './settle';
import { MiddlewareStack, renderOnion, type Pipeline } from './stack';
import { builtInSteps } from '../middleware/built-in';
import { DEFAULT_IGNORED_HEADERS, DEFAULT_KEY_PREFIX } from './cache/request-key';
import { DEFAULT_BREAKER } from './cache/breaker';
import { DEFAULT_FLEET, DEFAULT_NEAR_CACHE, type FleetOptions } from './cache/fleet';
import { cacheControl, inheritCache } from './cache/instance';
import { DEFAULT_TOKEN_HEADERS } from './cache/keys';
import { storeAdapter } from './cache/stores';
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
  [CACHE_CLIENT]: unknown;
  [PRIVATE_HEADERS]: string[];
  [CACHE_IGNORE]: string[];
};

const CONFIG_DEFAULTS: Required<Omit<SyncConfig, 'agent' | 'cacheClient' | 'cacheFleet' | 'nearCache'>> & {
  cacheFleet: FleetOptions;
  nearCache: false;
} = {
  timeout: 10_000,
  headers: {},
  defaultCacheTime: 3600,
  cacheKey: null,
  cachePrefix: DEFAULT_KEY_PREFIX,
  cacheIgnoreHeaders: [...DEFAULT_IGNORED_HEADERS],
  cacheGrace: 0,
  cacheEarlyRefresh: true,
  cacheFleet: { ...DEFAULT_FLEET },
  nearCache: false,
  cacheUserSecret: null,
  cacheTimeout: 100,
  cacheMaxEntryBytes: 1024 * 1024,
  cacheBreaker: { ...DEFAULT_BREAKER },
  onCacheError: null,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  privateHeaders: [...DEFAULT_TOKEN_HEADERS],
};
const CONFIG_KEYS = new Set<string>([...Object.keys(CONFIG_DEFAULTS), 'agent', 'cacheClient']);
const CACHE_CLIENT = Symbol('backbone-super-sync.cacheClient');
const PRIVATE_HEADERS = Symbol('backbone-super-sync.privateHeaders');
const CACHE_IGNORE = Symbol('backbone-super-sync.cacheIgnoreHeaders');

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
  sync[CACHE_CLIENT] = config.cacheClient ?? null;
  sync.defaultCacheTime = config.defaultCacheTime ?? CONFIG_DEFAULTS.defaultCacheTime;
  sync.cacheKey = config.cacheKey ?? null;
  sync.cachePrefix = config.cachePrefix ?? CONFIG_DEFAULTS.cachePrefix;
  // Header names are matched in lower case: a list assigned as a property is checked and lower-cased as
  // createSync() does, or `sync.privateHeaders = ['X-User-Token']` would stop making those reads private.
  // Own properties, so that `{ ...sync }` shows them as it shows the rest of the configuration.
  Object.defineProperty(sync, 'cacheIgnoreHeaders', headerListProperty(CACHE_IGNORE, 'cacheIgnoreHeaders'));
  Object.defineProperty(sync, 'privateHeaders', headerListProperty(PRIVATE_HEADERS, 'privateHeaders'));
  sync.cacheIgnoreHeaders = [...(config.cacheIgnoreHeaders ?? DEFAULT_IGNORED_HEADERS)];
  sync.cacheGrace = config.cacheGrace ?? CONFIG_DEFAULTS.cacheGrace;
  sync.cacheEarlyRefresh = config.cacheEarlyRefresh ?? CONFIG_DEFAULTS.cacheEarlyRefresh;
  sync.cacheFleet = config.cacheFleet === false ? false : { ...DEFAULT_FLEET, ...config.cacheFleet };
  sync.nearCache =
    config.nearCache === undefined || config.nearCache === false
      ? false
      : { ...DEFAULT_NEAR_CACHE, ...(config.nearCache === true ? {} : config.nearCache) };
  sync.cacheUserSecret = config.cacheUserSecret ?? null;
  sync.cacheTimeout = config.cacheTimeout ?? CONFIG_DEFAULTS.cacheTimeout;
  sync.cacheMaxEntryBytes = config.cacheMaxEntryBytes ?? CONFIG_DEFAULTS.cacheMaxEntryBytes;
  sync.cacheBreaker = { ...DEFAULT_BREAKER, ...config.cacheBreaker };
  sync.onCacheError = config.onCacheError ?? null;
  Object.defineProperty(sync, 'cache', { value: cacheControl(sync), enumerable: true });
  sync.agent = config.agent;
  sync.maxResponseBytes = config.maxResponseBytes ?? CONFIG_DEFAULTS.maxResponseBytes;
  sync.maxRedirects = config.maxRedirects ?? CONFIG_DEFAULTS.maxRedirects;
  sync.privateHeaders = [...(config.privateHeaders ?? DEFAULT_TOKEN_HEADERS)];
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

function checkConfig(config: SyncConfig): void {
  if (config === null || typeof config !== 'object') throw new TypeError('The sync config must be an object');
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.has(key)) {
      throw new TypeError(`Unknown sync option "${key}" (known: ${[...CONFIG_KEYS].join(', ')})`);
    }
  }
  checkCacheConfig(config);
  checkNames('privateHeaders', config.privateHeaders);
  const { timeout, headers, defaultCacheTime, maxResponseBytes, maxRedirects, agent } = config;
  // setTimeout fires at once for anything longer than 2^31 - 1 ms; Infinity means no deadline, as 0 does.
  if (
    timeout !== undefined &&
    !(typeof timeout === 'number' && ((timeout >= 0 && timeout <= 2 ** 31 - 1) || timeout === Infinity))
  ) {
    throw new TypeError(`timeout must be a number of ms from 0 (none) to ${2 ** 31 - 1}, got ${String(timeout)}`);
  }
  if (headers !== undefined && (headers === null || (typeof headers !== 'object' && typeof headers !== 'function'))) {
    throw new TypeError('headers must be an object or a function of the context returning one');
  }
  if (
    defaultCacheTime !== undefined &&
    defaultCacheTime !== 'http' &&
    !(typeof defaultCacheTime === 'number' && !Number.isNaN(defaultCacheTime))
  ) {
    throw new TypeError(`defaultCacheTime must be a number of seconds or 'http', got ${String(defaultCacheTime)}`);
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

function checkCacheConfig(config: SyncConfig): void {
  const { cacheClient, cacheKey, cachePrefix, cacheIgnoreHeaders, cacheUserSecret, cacheGrace } = config;
  const { cacheTimeout, cacheMaxEntryBytes, cacheBreaker, onCacheError } = config;
  if (cacheClient != null) storeAdapter(cacheClient);
  if (cacheKey != null && typeof cacheKey !== 'function') {
    throw new TypeError('cacheKey must be a function of the context returning a string (or null)');
  }
  if (cachePrefix !== undefined && typeof cachePrefix !== 'string') {
    throw new TypeError(`cachePrefix must be a string, got ${typeof cachePrefix}`);
  }
  checkNames('cacheIgnoreHeaders', cacheIgnoreHeaders);
  if (cacheGrace !== undefined && !(typeof cacheGrace === 'number' && cacheGrace >= 0 && cacheGrace !== Infinity)) {
    throw new TypeError(`cacheGrace must be a number of seconds >= 0, got ${String(cacheGrace)}`);
  }
  if (cacheUserSecret != null && !(typeof cacheUserSecret === 'string' && cacheUserSecret.length >= 16)) {
    throw new TypeError('cacheUserSecret must be a string of at least 16 characters (or null for a random one)');
  }
  if (cacheTimeout !== undefined && !(Number.isFinite(cacheTimeout) && cacheTimeout > 0)) {
    throw new TypeError(`cacheTimeout must be a number of ms > 0, got ${String(cacheTimeout)}`);
  }
  if (cacheMaxEntryBytes !== undefined && !(Number.isSafeInteger(cacheMaxEntryBytes) && cacheMaxEntryBytes > 0)) {
    throw new TypeError(`cacheMaxEntryBytes must be a positive integer, got ${String(cacheMaxEntryBytes)}`);
  }
  if (cacheBreaker !== undefined) {
    if (cacheBreaker === null || typeof cacheBreaker !== 'object') {
      throw new TypeError('cacheBreaker must be an object { failures, cooldown }');
    }
    const { failures, cooldown } = cacheBreaker;
    if (failures !== undefined && !(Number.isSafeInteger(failures) && failures > 0)) {
      throw new TypeError(`cacheBreaker.failures must be a positive integer, got ${String(failures)}`);
    }
    if (cooldown !== undefined && !(Number.isFinite(cooldown) && cooldown >= 0)) {
      throw new TypeError(`cacheBreaker.cooldown must be a number of ms >= 0, got ${String(cooldown)}`);
    }
  }
  checkFleetConfig(config);
  if (onCacheError != null && typeof onCacheError !== 'function') {
    throw new TypeError('onCacheError must be a function (error, info) => void (or null)');
  }
}

function checkFleetConfig(config: SyncConfig): void {
  const { cacheFleet, nearCache, cacheEarlyRefresh } = config;
  if (cacheEarlyRefresh !== undefined && typeof cacheEarlyRefresh !== 'boolean') {
    throw new TypeError(`cacheEarlyRefresh must be true or false, got ${String(cacheEarlyRefresh)}`);
  }
  if (cacheFleet !== undefined && cacheFleet !== false) {
    if (cacheFleet === null || typeof cacheFleet !== 'object') {
      throw new TypeError(
        'cacheFleet must be an object { invalidation, lock, lease, lockWait, generationTtl } or false',
      );
    }
    checkKnownKeys('cacheFleet', cacheFleet, DEFAULT_FLEET);
    for (const flag of ['invalidation', 'lock', 'earlyRefresh'] as const) {
      const value = cacheFleet[flag];
      if (value !== undefined && typeof value !== 'boolean') {
        throw new TypeError(`cacheFleet.${flag} must be true or false, got ${String(value)}`);
      }
    }
    for (const ms of ['lease', 'lockWait', 'generationTtl'] as const) {
      const value = cacheFleet[ms];
      if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
        throw new TypeError(`cacheFleet.${ms} must be a positive integer, got ${String(value)}`);
      }
    }
  }
  if (nearCache !== undefined && typeof nearCache !== 'boolean') {
    if (nearCache === null || typeof nearCache !== 'object') {
      throw new TypeError('nearCache must be true, false or an object { max, maxBytes, ttl }');
    }
    checkKnownKeys('nearCache', nearCache, DEFAULT_NEAR_CACHE);
    const { max, maxBytes, ttl } = nearCache;
    if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
      throw new TypeError(`nearCache.max must be a positive integer, got ${String(max)}`);
    }
    if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
      throw new TypeError(`nearCache.maxBytes must be a positive integer, got ${String(maxBytes)}`);
    }
    if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0 && ttl !== Infinity)) {
      throw new TypeError(`nearCache.ttl must be a number of seconds > 0, got ${String(ttl)}`);
    }
  }
}

function checkKnownKeys(option: string, given: object, known: object): void {
  for (const key of Object.keys(given)) {
    if (!(key in known))
      throw new TypeError(`Unknown ${option} option "${key}" (known: ${Object.keys(known).join(', ')})`);
  }
}

function checkNames(option: string, names: unknown): void {
  if (names === undefined) return;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new TypeError(`${option} must be an array of header names`);
  }
}

function configOf(sync: SyncInstance): SyncConfig {
  const headers = typeof sync.headers === 'function' ? sync.headers : { ...sync.headers };
  return {
    timeout: sync.timeout,
    headers,
    cacheClient: sync.cacheClient,
    defaultCacheTime: sync.defaultCacheTime,
    cacheKey: sync.cacheKey,
    cachePrefix: sync.cachePrefix,
    cacheIgnoreHeaders: [...sync.cacheIgnoreHeaders],
    cacheGrace: sync.cacheGrace,
    cacheEarlyRefresh: sync.cacheEarlyRefresh,
    cacheFleet: sync.cacheFleet === false ? false : { ...sync.cacheFleet },
    nearCache: sync.nearCache === false ? false : { ...sync.nearCache },
    cacheUserSecret: sync.cacheUserSecret,
    cacheTimeout: sync.cacheTimeout,
    cacheMaxEntryBytes: sync.cacheMaxEntryBytes,
    cacheBreaker: { ...sync.cacheBreaker },
    onCacheError: sync.onCacheError,
    agent: sync.agent,
    maxResponseBytes: sync.maxResponseBytes,
    maxRedirects: sync.maxRedirects,
    privateHeaders: sync.privateHeaders.slice(),
  };
}

// Shared by every instance through its prototype, so an instance costs one function object.
const instanceMethods = Object.create(Function.prototype, {
  cacheClient: {
    get(this: Instance) {
      return this[CACHE_CLIENT];
    },
    set(this: Instance, client: unknown) {
      if (client != null) storeAdapter(client);
      this[CACHE_CLIENT] = client ?? null;
    },
    enumerable: true,
  },
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

function headerListProperty(key: typeof PRIVATE_HEADERS | typeof CACHE_IGNORE, option: string): PropertyDescriptor {
  return {
    get(this: Instance) {
      return this[key];
    },
    set(this: Instance, names: unknown) {
      if (names === undefined) throw new TypeError(`${option} must be an array of header names`);
      checkNames(option, names);
      this[key] = (names as string[]).map((name) => name.toLowerCase());
    },
    enumerable: true,
  };
}
