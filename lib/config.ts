import { DEFAULT_TOKEN_HEADERS } from './credentials';
import { DEFAULT_IGNORED_HEADERS } from './request-key';
import type { CoreConfig, SyncConfig, SyncInstance } from './types';

/** setTimeout fires at once (with a warning) for anything longer. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

type Key = keyof SyncConfig;

/**
 * One configuration key: its default, its check (the message of the TypeError, or undefined when the
 * value is good), how a good value is stored (lower-cased names, defaults filled in), and its line of the
 * README's configuration reference. `Value` is the value as the instance keeps it, `Given` as it is given.
 */
export interface ConfigEntry<Value, Given = Value> {
  default(): Value;
  check(value: unknown): string | undefined;
  normalize?(value: NonNullable<Given>): Value;
  /** How the default reads in the README. */
  defaultText: string;
  doc: string;
}

/**
 * The declarations of every key of `Config` (the mapped type makes the compiler refuse a missing one), with
 * values as `Instance` keeps them.
 * @example const table: ConfigTable<{ metricsLabel?: string }> = { metricsLabel: { default: () => 'app', ... } }
 */
export type ConfigTable<Config extends object, Instance = Required<Config>> = {
  [K in keyof Config]-?: ConfigEntry<K extends keyof Instance ? Instance[K] : never, Config[K]>;
};

type AnyEntry = ConfigEntry<unknown, unknown>;

/**
 * Where an instance keeps its configuration values; its accessors (one getter and setter per key, see
 * `defineConfig`) read and write them here.
 */
export const CONFIG_VALUES = Symbol('backbone-super-sync.config');
export type ConfigValues = Record<string | symbol, unknown>;

/** Every declared key, in declaration order: the core's first, then each module's as it registers. */
// Typed complete: the keys of SyncConfig are all declared once lib/index.ts (which loads every module) is loaded.
export const CONFIG = {} as { [K in Key]: ConfigEntry<SyncInstance[K], SyncConfig[K]> };
export const CONFIG_KEYS: Key[] = [];
/** The accessor of each key, defined on every instance (own and enumerable, so `{ ...sync }` shows them). */
export const CONFIG_PROPERTIES: PropertyDescriptorMap = {};
/** The keys a step owns (by the step's name): an instance without that step has none of them. */
export const STEP_KEYS = new Map<string, Key[]>();

export interface DefineConfigOptions {
  /**
   * A class whose getter and setter of each key read and write `this[CONFIG_VALUES]` (setters through
   * `configValue`). Its own getter per key keeps reading `sync.timeout` on every call a plain named property
   * load (one shared getter reading `values[key]` measured 3% of a cache hit); without it each key gets a
   * generic accessor, fine for keys no call reads on its hot path.
   */
  accessors?: abstract new () => unknown;
  /** The step the keys belong to: an instance whose stack has no step of this name does not show them. */
  step?: string;
}

/**
 * Declares configuration keys: `table` gives the default, the check and the doc of each. `createSync()`,
 * `extend()` and every assignment to the instance's property then take, check and normalise them as they do
 * the core's. A key declared twice, or an accessor class without a key's getter and setter, throws.
 * @example defineConfig(metricsTable, { step: 'metrics' }) // metricsTable: ConfigTable<{ metricsLabel?: string }>
 */
export function defineConfig(
  table: Readonly<Record<string, ConfigEntry<unknown, never>>>,
  options: DefineConfigOptions = {},
): void {
  const entries = table as Readonly<Record<string, AnyEntry>>;
  const descriptors = options.accessors ? Object.getOwnPropertyDescriptors(options.accessors.prototype) : undefined;
  const keys = Object.keys(entries) as Key[];
  for (const key of keys) {
    if (key in CONFIG) throw new Error(`backbone-super-sync: the config key ${key} is declared twice`);
    const descriptor = descriptors?.[key];
    if (descriptors && (!descriptor?.get || !descriptor.set))
      throw new Error(`backbone-super-sync: no accessor for the config key ${key}`);
  }
  for (const key of keys) {
    (CONFIG as unknown as Record<string, AnyEntry>)[key] = entries[key];
    CONFIG_KEYS.push(key);
    const accessor = descriptors?.[key] ?? genericAccessor(key);
    CONFIG_PROPERTIES[key] = { get: accessor.get, set: accessor.set, enumerable: true, configurable: true };
  }
  const step = options.step;
  if (step !== undefined) STEP_KEYS.set(step, [...(STEP_KEYS.get(step) ?? []), ...keys]);
}

function genericAccessor(key: Key): PropertyDescriptor {
  return {
    get(this: { [CONFIG_VALUES]: ConfigValues }) {
      return this[CONFIG_VALUES][key];
    },
    set(this: { [CONFIG_VALUES]: ConfigValues }, value: unknown) {
      this[CONFIG_VALUES][key] = configValue(key, value);
    },
  };
}

/** The value `value` stands for as the instance keeps it, or a TypeError naming what is wrong. */
export function configValue<K extends Key>(key: K, value: unknown): SyncInstance[K] {
  const entry = CONFIG[key] as unknown as AnyEntry;
  const problem = entry.check(value);
  if (problem !== undefined) throw new TypeError(problem);
  return (entry.normalize ? entry.normalize(value as never) : value) as SyncInstance[K];
}

/** Unknown keys of a whole config, as `createSync()` and `extend()` take it (values are checked one by one). */
export function checkConfig(config: unknown): asserts config is SyncConfig {
  if (config === null || typeof config !== 'object') throw new TypeError('The sync config must be an object');
  for (const key of Object.keys(config)) {
    if (!(key in CONFIG)) throw new TypeError(`Unknown sync option "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
  }
}

// Checks that config entries share (the message, or undefined when the value is good).

export function headerNamesProblem(option: string, names: unknown): string | undefined {
  return Array.isArray(names) && names.every((name) => typeof name === 'string' && name !== '')
    ? undefined
    : `${option} must be an array of header names`;
}

export function positiveIntegerProblem(option: string, value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) > 0
    ? undefined
    : `${option} must be a positive integer, got ${String(value)}`;
}

export function booleanProblem(option: string, value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : `${option} must be true or false, got ${String(value)}`;
}

export function unknownKeyProblem(option: string, given: object, known: object): string | undefined {
  for (const key of Object.keys(given)) {
    if (!(key in known)) return `Unknown ${option} option "${key}" (known: ${Object.keys(known).join(', ')})`;
  }
  return undefined;
}

/** The core's keys: the call, the transport and what a request's credentials and keys are. */
const CORE_CONFIG: ConfigTable<CoreConfig, SyncInstance> = {
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
    check: (value) => positiveIntegerProblem('maxResponseBytes', value),
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
  cacheIgnoreHeaders: {
    default: () => [...DEFAULT_IGNORED_HEADERS],
    check: (value) => headerNamesProblem('cacheIgnoreHeaders', value),
    normalize: (names) => names.map((name) => name.toLowerCase()),
    defaultText: "`['traceparent', 'tracestate', 'x-request-id', 'x-correlation-id']`",
    doc: 'request headers left out of cache and dedupe keys',
  },
};

type Values = { [K in keyof CoreConfig]: SyncInstance[K] };

class CoreAccessors {
  declare [CONFIG_VALUES]: Values;
  get timeout() {
    return this[CONFIG_VALUES].timeout;
  }
  set timeout(value) {
    this[CONFIG_VALUES].timeout = configValue('timeout', value);
  }
  get headers() {
    return this[CONFIG_VALUES].headers;
  }
  set headers(value) {
    this[CONFIG_VALUES].headers = configValue('headers', value);
  }
  get agent() {
    return this[CONFIG_VALUES].agent;
  }
  set agent(value) {
    this[CONFIG_VALUES].agent = configValue('agent', value);
  }
  get maxResponseBytes() {
    return this[CONFIG_VALUES].maxResponseBytes;
  }
  set maxResponseBytes(value) {
    this[CONFIG_VALUES].maxResponseBytes = configValue('maxResponseBytes', value);
  }
  get maxRedirects() {
    return this[CONFIG_VALUES].maxRedirects;
  }
  set maxRedirects(value) {
    this[CONFIG_VALUES].maxRedirects = configValue('maxRedirects', value);
  }
  get privateHeaders() {
    return this[CONFIG_VALUES].privateHeaders;
  }
  set privateHeaders(value) {
    this[CONFIG_VALUES].privateHeaders = configValue('privateHeaders', value);
  }
  get cacheIgnoreHeaders() {
    return this[CONFIG_VALUES].cacheIgnoreHeaders;
  }
  set cacheIgnoreHeaders(value) {
    this[CONFIG_VALUES].cacheIgnoreHeaders = configValue('cacheIgnoreHeaders', value);
  }
}

defineConfig(CORE_CONFIG, { accessors: CoreAccessors });
