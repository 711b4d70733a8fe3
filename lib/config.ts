import { DEFAULT_BREAKER } from './cache/breaker';
import { DEFAULT_FLEET, DEFAULT_NEAR_CACHE } from './cache/fleet';
import { DEFAULT_TOKEN_HEADERS } from './cache/keys';
import { DEFAULT_IGNORED_HEADERS, DEFAULT_KEY_PREFIX } from './cache/request-key';
import { storeAdapter } from './cache/stores';
import type { SyncConfig, SyncInstance } from './types';

/** setTimeout fires at once (with a warning) for anything longer. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

type Key = keyof SyncConfig;
type Value<K extends Key> = SyncInstance[K];

/**
 * One configuration key: its default, its check (the message of the TypeError, or undefined when the
 * value is good), how a good value is stored (lower-cased names, defaults filled in), and its line of the
 * README's configuration reference.
 */
export interface ConfigEntry<K extends Key> {
  default(): Value<K>;
  check(value: unknown): string | undefined;
  normalize?(value: NonNullable<SyncConfig[K]>): Value<K>;
  /** How the default reads in the README. */
  defaultText: string;
  doc: string;
}

/**
 * Every configuration key, declared once. The mapped type makes the compiler refuse a key of `SyncConfig`
 * missing here. From this table come the defaults, the checks of `createSync()` and of every property
 * assignment, what `extend()` copies, and the README's table (a test compares them).
 */
export const CONFIG: { [K in Key]-?: ConfigEntry<K> } = {
  timeout: {
    default: () => 10_000,
    check: (value) =>
      typeof value === 'number' && ((value >= 0 && value <= MAX_TIMEOUT_MS) || value === Infinity)
        ? undefined
        : `timeout must be a number of ms from 0 (none) to ${MAX_TIMEOUT_MS}, got ${String(value)}`,
    defaultText: '`10000`',
    doc: 'ms for the whole call, every step inside it included; `0` for none',
  },
  headers: {
    default: () => ({}),
    check: (value) =>
      value !== null && (typeof value === 'object' || typeof value === 'function')
        ? undefined
        : 'headers must be an object or a function of the context returning one',
    defaultText: '`{}`',
    doc: 'headers of every call: an object, or a function of the context returning one',
  },
  cacheClient: {
    default: () => null,
    check: (value) => {
      if (value === null) return undefined;
      try {
        storeAdapter(value);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
    defaultText: '`null` (a memory store)',
    doc: 'where `cache: true` reads live: a node-redis or ioredis client or cluster, a 1.1.1 callback store, or a `CacheStore`',
  },
  defaultCacheTime: {
    default: () => 3600,
    check: (value) =>
      value === 'http' || (typeof value === 'number' && !Number.isNaN(value))
        ? undefined
        : `defaultCacheTime must be a number of seconds or 'http', got ${String(value)}`,
    defaultText: '`3600`',
    doc: "seconds a cached read is fresh, or `'http'` (what the response says)",
  },
  cacheGrace: {
    default: () => 0,
    check: (value) =>
      typeof value === 'number' && value >= 0 && value !== Infinity
        ? undefined
        : `cacheGrace must be a number of seconds >= 0, got ${String(value)}`,
    defaultText: '`0`',
    doc: 'seconds a stale entry is kept for revalidation and stale-if-error',
  },
  cacheKey: {
    default: () => null,
    check: (value) =>
      value === null || typeof value === 'function'
        ? undefined
        : 'cacheKey must be a function of the context returning a string (or null)',
    defaultText: '`null`',
    doc: "`(ctx) => string`, replaces the request key (`legacyCacheKey` gives 1.1.1's)",
  },
  cachePrefix: {
    default: () => DEFAULT_KEY_PREFIX,
    check: (value) => (typeof value === 'string' ? undefined : `cachePrefix must be a string, got ${typeof value}`),
    defaultText: "`'bss:'`",
    doc: 'prefix of request keys',
  },
  cacheIgnoreHeaders: {
    default: () => [...DEFAULT_IGNORED_HEADERS],
    check: (value) => headerNamesProblem('cacheIgnoreHeaders', value),
    normalize: (names) => names.map((name) => name.toLowerCase()),
    defaultText: "`['traceparent', 'tracestate', 'x-request-id', 'x-correlation-id']`",
    doc: 'request headers left out of cache and dedupe keys',
  },
  cacheUserSecret: {
    default: () => null,
    check: (value) =>
      value === null || (typeof value === 'string' && value.length >= 16)
        ? undefined
        : 'cacheUserSecret must be a string of at least 16 characters (or null for a random one)',
    defaultText: '`null` (random per process)',
    doc: "HMAC secret of `cacheScope: 'user'` keys; the same on every process to share them",
  },
  cacheTimeout: {
    default: () => 100,
    check: (value) =>
      typeof value === 'number' && Number.isFinite(value) && value > 0
        ? undefined
        : `cacheTimeout must be a number of ms > 0, got ${String(value)}`,
    defaultText: '`100`',
    doc: 'ms a cache read or write may take before it counts as a miss',
  },
  cacheMaxEntryBytes: {
    default: () => 1024 * 1024,
    check: (value) => positiveInteger('cacheMaxEntryBytes', value),
    defaultText: '`1048576`',
    doc: 'largest stored entry, in bytes',
  },
  cacheBreaker: {
    default: () => ({ ...DEFAULT_BREAKER }),
    check: (value) => {
      if (value === null || typeof value !== 'object') return 'cacheBreaker must be an object { failures, cooldown }';
      const { failures, cooldown } = value as { failures?: unknown; cooldown?: unknown };
      if (failures !== undefined && !(Number.isSafeInteger(failures) && (failures as number) > 0)) {
        return `cacheBreaker.failures must be a positive integer, got ${String(failures)}`;
      }
      if (cooldown !== undefined && !(typeof cooldown === 'number' && Number.isFinite(cooldown) && cooldown >= 0)) {
        return `cacheBreaker.cooldown must be a number of ms >= 0, got ${String(cooldown)}`;
      }
      return undefined;
    },
    normalize: (breaker) => ({ ...DEFAULT_BREAKER, ...breaker }),
    defaultText: '`{ failures: 5, cooldown: 30000 }`',
    doc: 'after `failures` cache failures in a row, the cache is skipped for `cooldown` ms',
  },
  cacheEarlyRefresh: {
    default: () => true,
    check: (value) => boolean('cacheEarlyRefresh', value),
    defaultText: '`true`',
    doc: 'hot entries refresh in the background shortly before they expire (XFetch)',
  },
  cacheFleet: {
    default: () => ({ ...DEFAULT_FLEET }),
    check: fleetProblem,
    normalize: (fleet) => (fleet === false ? false : { ...DEFAULT_FLEET, ...fleet }),
    defaultText:
      '`{ invalidation: true, lock: true, lease: 500, lockWait: 2000, generationTtl: 604800, earlyRefresh: true }`',
    doc: 'how processes sharing one Redis coordinate (see Running many servers); `false` for none',
  },
  nearCache: {
    default: () => false,
    check: nearCacheProblem,
    normalize: (near) => (near === false ? false : { ...DEFAULT_NEAR_CACHE, ...(near === true ? {} : near) }),
    defaultText: '`false`',
    doc: '`true` or `{ max, maxBytes, ttl }`: an in-process tier in front of Redis',
  },
  onCacheError: {
    default: () => null,
    check: (value) =>
      value === null || typeof value === 'function'
        ? undefined
        : 'onCacheError must be a function (error, info) => void (or null)',
    defaultText: '`null` (one warning per store)',
    doc: '`(error, { operation, key }) => void`, told of every cache failure',
  },
  agent: {
    default: () => undefined,
    check: (value) =>
      value === undefined || value === false || (value !== null && typeof value === 'object')
        ? undefined
        : 'agent must be an http.Agent or false',
    defaultText: 'a shared keep-alive agent',
    doc: "Node's `http.Agent` for the transport; `false` for a connection per request",
  },
  maxResponseBytes: {
    default: () => 10 * 1024 * 1024,
    check: (value) => positiveInteger('maxResponseBytes', value),
    defaultText: '`10485760`',
    doc: 'largest response body accepted, in bytes',
  },
  maxRedirects: {
    default: () => 5,
    check: (value) =>
      Number.isSafeInteger(value) && (value as number) >= 0
        ? undefined
        : `maxRedirects must be an integer >= 0, got ${String(value)}`,
    defaultText: '`5`',
    doc: 'redirects followed before the call fails',
  },
  privateHeaders: {
    default: () => [...DEFAULT_TOKEN_HEADERS],
    check: (value) => headerNamesProblem('privateHeaders', value),
    normalize: (names) => names.map((name) => name.toLowerCase()),
    defaultText: "`['x-access-token', 'x-auth-token', 'x-api-key']`",
    doc: 'credential headers besides Authorization, Cookie and Proxy-Authorization: never shared, logged or sent to another origin',
  },
};

export const CONFIG_KEYS = Object.keys(CONFIG) as Key[];

/** The value `value` stands for as the instance keeps it, or a TypeError naming what is wrong. */
export function configValue<K extends Key>(key: K, value: unknown): Value<K> {
  const entry = CONFIG[key] as ConfigEntry<K>;
  const problem = entry.check(value);
  if (problem !== undefined) throw new TypeError(problem);
  return entry.normalize ? entry.normalize(value as NonNullable<SyncConfig[K]>) : (value as Value<K>);
}

/** Unknown keys and bad values of a whole config, as `createSync()` and `extend()` take it. */
export function checkConfig(config: unknown): asserts config is SyncConfig {
  if (config === null || typeof config !== 'object') throw new TypeError('The sync config must be an object');
  for (const key of Object.keys(config)) {
    if (!(key in CONFIG)) throw new TypeError(`Unknown sync option "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
  }
}

function headerNamesProblem(option: string, names: unknown): string | undefined {
  return Array.isArray(names) && names.every((name) => typeof name === 'string' && name !== '')
    ? undefined
    : `${option} must be an array of header names`;
}

function positiveInteger(option: string, value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) > 0
    ? undefined
    : `${option} must be a positive integer, got ${String(value)}`;
}

function boolean(option: string, value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : `${option} must be true or false, got ${String(value)}`;
}

function knownKeys(option: string, given: object, known: object): string | undefined {
  for (const key of Object.keys(given)) {
    if (!(key in known)) return `Unknown ${option} option "${key}" (known: ${Object.keys(known).join(', ')})`;
  }
  return undefined;
}

function fleetProblem(value: unknown): string | undefined {
  if (value === false) return undefined;
  if (value === null || typeof value !== 'object') {
    return 'cacheFleet must be an object { invalidation, lock, lease, lockWait, generationTtl } or false';
  }
  const fleet = value as Record<string, unknown>;
  const unknown = knownKeys('cacheFleet', fleet, DEFAULT_FLEET);
  if (unknown) return unknown;
  for (const flag of ['invalidation', 'lock', 'earlyRefresh']) {
    if (fleet[flag] !== undefined && typeof fleet[flag] !== 'boolean') {
      return `cacheFleet.${flag} must be true or false, got ${String(fleet[flag])}`;
    }
  }
  for (const number of ['lease', 'lockWait', 'generationTtl']) {
    if (fleet[number] !== undefined && positiveInteger('', fleet[number]) !== undefined) {
      return `cacheFleet.${number} must be a positive integer, got ${String(fleet[number])}`;
    }
  }
  return undefined;
}

function nearCacheProblem(value: unknown): string | undefined {
  if (typeof value === 'boolean') return undefined;
  if (value === null || typeof value !== 'object')
    return 'nearCache must be true, false or an object { max, maxBytes, ttl }';
  const near = value as Record<string, unknown>;
  const unknown = knownKeys('nearCache', near, DEFAULT_NEAR_CACHE);
  if (unknown) return unknown;
  for (const integer of ['max', 'maxBytes']) {
    if (near[integer] !== undefined && positiveInteger('', near[integer]) !== undefined) {
      return `nearCache.${integer} must be a positive integer, got ${String(near[integer])}`;
    }
  }
  const { ttl } = near;
  if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0 && ttl !== Infinity)) {
    return `nearCache.ttl must be a number of seconds > 0, got ${String(ttl)}`;
  }
  return undefined;
}
