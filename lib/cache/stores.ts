import type { CacheStore } from '../types';

/** Which contract a `cacheClient` was recognised as. */
export type StoreKind = 'cache-store' | 'node-redis' | 'ioredis' | 'node-redis-v3' | 'callback';

/** One promise-based face over every supported client, so the cache step never looks at shapes. */
export interface StoreAdapter {
  readonly kind: StoreKind;
  /** False when the client says it is not connected: the read is a miss without asking (and waiting). */
  ready(): boolean;
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<unknown>;
  /** Absent when the client cannot delete. */
  delete: ((key: string) => Promise<unknown>) | undefined;
  /** Absent when the client cannot be emptied (a Redis client: FLUSHDB would reach other apps' keys). */
  clear: (() => Promise<unknown>) | undefined;
  /** What a store shared by many processes offers them to coordinate (a Redis client or cluster). */
  fleet: FleetCommands | undefined;
}

/**
 * The Redis commands the fleet features stand on. Every call names its keys, all of one hash tag, so
 * each works on Redis Cluster as on a single server.
 */
export interface FleetCommands {
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /** `SET key value NX PX ms`: true when this call set it. */
  setIfAbsent(key: string, value: string, ms: number): Promise<boolean>;
  publish(channel: string, message: string): Promise<unknown>;
  /** Listens on `channel` on a connection of its own; resolves with the way to stop. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}

type Callback = (error: unknown, value?: unknown) => void;
type AnyFunction = (...args: unknown[]) => unknown;
type Client = Record<string, unknown>;

const adapters = new WeakMap<object, StoreAdapter>();

/**
 * The adapter of `client`, recognised by its shape (once per client). A client is never handed a
 * callback unless its contract takes one: a node-redis v4+ client would ignore it and the call would hang.
 * @throws TypeError when no contract fits
 */
export function storeAdapter(client: unknown): StoreAdapter {
  if (client === null || (typeof client !== 'object' && typeof client !== 'function')) {
    throw new TypeError(
      `cacheClient must be a Redis client or a CacheStore, got ${client === null ? 'null' : typeof client}`,
    );
  }
  let adapter = adapters.get(client);
  if (!adapter) {
    adapter = detect(client as Client);
    adapters.set(client, adapter);
  }
  return adapter;
}

function detect(client: Client): StoreAdapter {
  if (isFunction(client.defineCommand) && typeof client.status === 'string') return ioredis(client);
  // node-redis v4 in legacyMode keeps its promise API under `.v4`.
  const v4 = client.v4 as Client | undefined;
  if (v4 && isFunction(v4.get) && isFunction(v4.set)) return nodeRedis(v4, client);
  if ('isOpen' in client && isFunction(client.sendCommand) && isFunction(client.get)) return nodeRedis(client, client);
  if (isFunction(client.send_command) && isFunction(client.get)) return nodeRedisV3(client);
  if (isFunction(client.get) && isFunction(client.set) && isFunction(client.expire)) return callbackStore(client);
  if (isFunction(client.get) && isFunction(client.set)) return cacheStore(client as unknown as CacheStore);
  throw new TypeError(
    'cacheClient must be a node-redis or ioredis client, an object with get(key, cb), set(key, value, cb) and ' +
      'expire(key, seconds, cb), or a CacheStore with get(key) and set(key, value, ttlSeconds) returning promises',
  );
}

/** Redis takes whole seconds, at least 1. */
export function redisSeconds(ttlSeconds: number): number {
  return Math.max(1, Math.ceil(ttlSeconds));
}

function ioredis(client: Client): StoreAdapter {
  const call = methods(client);
  return {
    kind: 'ioredis',
    // 'wait' is a lazyConnect client that connects on its first command.
    ready: () => client.status === 'ready' || client.status === 'wait',
    get: (key) => call('get', key) as Promise<string | null>,
    set: (key, value, ttl) => call('set', key, value, 'EX', redisSeconds(ttl)) as Promise<unknown>,
    delete: (key) => call('del', key) as Promise<unknown>,
    clear: undefined,
    fleet: {
      mget: (keys) => call('mget', ...keys) as Promise<Array<string | null>>,
      eval: (script, keys, args) => call('eval', script, keys.length, ...keys, ...args),
      setIfAbsent: async (key, value, ms) => (await call('set', key, value, 'PX', ms, 'NX')) === 'OK',
      publish: (channel, message) => call('publish', channel, message),
      subscribe: async (channel, listener) => {
        // A subscribed connection takes no other command: a duplicate of the client (or cluster) of its own.
        const subscriber = (client.duplicate as AnyFunction).call(client) as Client;
        (subscriber.on as AnyFunction).call(subscriber, 'error', () => {});
        (subscriber.on as AnyFunction).call(subscriber, 'message', (from: string, message: string) => {
          if (from === channel) listener(message);
        });
        await methods(subscriber)('subscribe', channel);
        return async () => {
          (subscriber.disconnect as AnyFunction).call(subscriber);
        };
      },
    },
  };
}

function nodeRedis(commands: Client, client: Client): StoreAdapter {
  const call = methods(commands);
  return {
    kind: 'node-redis',
    // A cluster has isOpen only; while a client reconnects isReady is false and commands would queue.
    ready: () => ('isReady' in client ? client.isReady : client.isOpen) === true,
    get: (key) => call('get', key) as Promise<string | null>,
    set: (key, value, ttl) => call('set', key, value, { EX: redisSeconds(ttl) }) as Promise<unknown>,
    delete: (key) => call('del', key) as Promise<unknown>,
    clear: undefined,
    // legacyMode keeps its promise API under `.v4`, without pub/sub: no fleet features there.
    fleet: commands === client ? nodeRedisFleet(client) : undefined,
  };
}

function nodeRedisFleet(client: Client): FleetCommands {
  const call = methods(client);
  // A cluster subscribes on a pub/sub connection it manages; a client must not (it would take no commands).
  const isCluster = !('isReady' in client);
  return {
    mget: (keys) => call('mGet', keys) as Promise<Array<string | null>>,
    eval: (script, keys, args) => call('eval', script, { keys, arguments: args }),
    setIfAbsent: async (key, value, ms) => (await call('set', key, value, { NX: true, PX: ms })) === 'OK',
    publish: (channel, message) => call('publish', channel, message),
    subscribe: async (channel, listener) => {
      const subscriber = isCluster ? client : ((client.duplicate as AnyFunction).call(client) as Client);
      if (!isCluster) {
        (subscriber.on as AnyFunction).call(subscriber, 'error', () => {});
        await methods(subscriber)('connect');
      }
      await methods(subscriber)('subscribe', channel, listener);
      return async () => {
        if (isCluster) await methods(subscriber)('unsubscribe', channel, listener);
        else (subscriber.destroy as AnyFunction).call(subscriber);
      };
    },
  };
}

function nodeRedisV3(client: Client): StoreAdapter {
  const call = callbacks(client);
  return {
    kind: 'node-redis-v3',
    ready: () => client.connected !== false,
    get: (key) => call('get', key) as Promise<string | null>,
    set: (key, value, ttl) => call('set', key, value, 'EX', redisSeconds(ttl)),
    delete: (key) => call('del', key),
    clear: undefined,
    fleet: undefined,
  };
}

/** The 1.1.1 contract: `set` then `expire` (the TTL as given: hand-written stores take fractions). */
function callbackStore(client: Client): StoreAdapter {
  const call = callbacks(client);
  return {
    kind: 'callback',
    ready: () => true,
    get: (key) => call('get', key) as Promise<string | null>,
    set: async (key, value, ttl) => {
      await call('set', key, value);
      // Not awaited: 1.1.1's README store answers `expire` only once the entry expires.
      call('expire', key, ttl).catch(() => {});
    },
    delete: isFunction(client.del) ? (key) => call('del', key) : undefined,
    clear: undefined,
    fleet: undefined,
  };
}

function cacheStore(store: CacheStore): StoreAdapter {
  return {
    kind: 'cache-store',
    ready: () => true,
    get: (key) => store.get(key),
    set: (key, value, ttl) => store.set(key, value, ttl),
    delete: isFunction(store.delete) ? (key) => store.delete!(key) : undefined,
    clear: isFunction(store.clear) ? async () => store.clear!() : undefined,
    fleet: undefined,
  };
}

/** Calls a promise-returning method; a synchronous throw becomes a rejection. */
function methods(client: Client) {
  return (name: string, ...args: unknown[]): Promise<unknown> => {
    try {
      return Promise.resolve((client[name] as AnyFunction).apply(client, args));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Calls a callback-style method; a returned promise (a store that takes both) counts too. */
function callbacks(client: Client) {
  return (name: string, ...args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const done: Callback = (error, value) => (error ? reject(error) : resolve(value));
      const returned = (client[name] as AnyFunction).apply(client, [...args, done]);
      if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(resolve, reject);
      }
    });
}

function isFunction(value: unknown): value is AnyFunction {
  return typeof value === 'function';
}
