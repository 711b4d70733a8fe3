import {
  booleanProblem,
  CONFIG_VALUES,
  configValue,
  DEFAULT_KEY_PREFIX,
  defineConfig,
  positiveIntegerProblem,
  unknownKeyProblem,
  type ConfigTable,
} from '../toolkit';
import type { CacheConfig, SyncInstance } from '../types';
import { DEFAULT_BREAKER } from './breaker';
import { DEFAULT_FLEET, DEFAULT_NEAR_CACHE } from './fleet';
import { storeAdapter } from './stores';

/** The cache's keys, declared by the cache: an instance whose stack has no step named 'cache' shows none. */
export const CACHE_CONFIG: ConfigTable<CacheConfig, SyncInstance> = {
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
    check: (value) => positiveIntegerProblem('cacheMaxEntryBytes', value),
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
    check: (value) => booleanProblem('cacheEarlyRefresh', value),
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
};

type Values = { [K in keyof CacheConfig]-?: SyncInstance[K] };

class CacheAccessors {
  declare [CONFIG_VALUES]: Values;
  get cacheClient() {
    return this[CONFIG_VALUES].cacheClient;
  }
  set cacheClient(value) {
    this[CONFIG_VALUES].cacheClient = configValue('cacheClient', value);
  }
  get defaultCacheTime() {
    return this[CONFIG_VALUES].defaultCacheTime;
  }
  set defaultCacheTime(value) {
    this[CONFIG_VALUES].defaultCacheTime = configValue('defaultCacheTime', value);
  }
  get cacheGrace() {
    return this[CONFIG_VALUES].cacheGrace;
  }
  set cacheGrace(value) {
    this[CONFIG_VALUES].cacheGrace = configValue('cacheGrace', value);
  }
  get cacheKey() {
    return this[CONFIG_VALUES].cacheKey;
  }
  set cacheKey(value) {
    this[CONFIG_VALUES].cacheKey = configValue('cacheKey', value);
  }
  get cachePrefix() {
    return this[CONFIG_VALUES].cachePrefix;
  }
  set cachePrefix(value) {
    this[CONFIG_VALUES].cachePrefix = configValue('cachePrefix', value);
  }
  get cacheUserSecret() {
    return this[CONFIG_VALUES].cacheUserSecret;
  }
  set cacheUserSecret(value) {
    this[CONFIG_VALUES].cacheUserSecret = configValue('cacheUserSecret', value);
  }
  get cacheTimeout() {
    return this[CONFIG_VALUES].cacheTimeout;
  }
  set cacheTimeout(value) {
    this[CONFIG_VALUES].cacheTimeout = configValue('cacheTimeout', value);
  }
  get cacheMaxEntryBytes() {
    return this[CONFIG_VALUES].cacheMaxEntryBytes;
  }
  set cacheMaxEntryBytes(value) {
    this[CONFIG_VALUES].cacheMaxEntryBytes = configValue('cacheMaxEntryBytes', value);
  }
  get cacheBreaker() {
    return this[CONFIG_VALUES].cacheBreaker;
  }
  set cacheBreaker(value) {
    this[CONFIG_VALUES].cacheBreaker = configValue('cacheBreaker', value);
  }
  get cacheEarlyRefresh() {
    return this[CONFIG_VALUES].cacheEarlyRefresh;
  }
  set cacheEarlyRefresh(value) {
    this[CONFIG_VALUES].cacheEarlyRefresh = configValue('cacheEarlyRefresh', value);
  }
  get cacheFleet() {
    return this[CONFIG_VALUES].cacheFleet;
  }
  set cacheFleet(value) {
    this[CONFIG_VALUES].cacheFleet = configValue('cacheFleet', value);
  }
  get nearCache() {
    return this[CONFIG_VALUES].nearCache;
  }
  set nearCache(value) {
    this[CONFIG_VALUES].nearCache = configValue('nearCache', value);
  }
  get onCacheError() {
    return this[CONFIG_VALUES].onCacheError;
  }
  set onCacheError(value) {
    this[CONFIG_VALUES].onCacheError = configValue('onCacheError', value);
  }
}

defineConfig(CACHE_CONFIG, { accessors: CacheAccessors, step: 'cache' });

function fleetProblem(value: unknown): string | undefined {
  if (value === false) return undefined;
  if (value === null || typeof value !== 'object') {
    return 'cacheFleet must be an object { invalidation, lock, lease, lockWait, generationTtl } or false';
  }
  const fleet = value as Record<string, unknown>;
  const unknown = unknownKeyProblem('cacheFleet', fleet, DEFAULT_FLEET);
  if (unknown) return unknown;
  for (const flag of ['invalidation', 'lock', 'earlyRefresh']) {
    if (fleet[flag] !== undefined && typeof fleet[flag] !== 'boolean') {
      return `cacheFleet.${flag} must be true or false, got ${String(fleet[flag])}`;
    }
  }
  for (const number of ['lease', 'lockWait', 'generationTtl']) {
    if (fleet[number] !== undefined && positiveIntegerProblem('', fleet[number]) !== undefined) {
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
  const unknown = unknownKeyProblem('nearCache', near, DEFAULT_NEAR_CACHE);
  if (unknown) return unknown;
  for (const integer of ['max', 'maxBytes']) {
    if (near[integer] !== undefined && positiveIntegerProblem('', near[integer]) !== undefined) {
      return `nearCache.${integer} must be a positive integer, got ${String(near[integer])}`;
    }
  }
  const { ttl } = near;
  if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0 && ttl !== Infinity)) {
    return `nearCache.ttl must be a number of seconds > 0, got ${String(ttl)}`;
  }
  return undefined;
}
