import { redisSeconds, storeAdapter } from '../../../lib/cache/stores';
import { memoryStore } from '../../../lib/cache/memory-store';

type Call = [string, ...unknown[]];

/** node-redis v4+: promise commands, `isOpen`/`isReady`, `sendCommand`; it never calls a callback. */
function fakeNodeRedis(ready = true) {
  const calls: Call[] = [];
  const data = new Map<string, string>();
  return {
    calls,
    isOpen: ready,
    isReady: ready,
    sendCommand: jest.fn(),
    get: async (key: string, ...rest: unknown[]) => (calls.push(['get', key, ...rest]), data.get(key) ?? null),
    set: async (key: string, value: string, ...rest: unknown[]) => {
      calls.push(['set', key, value, ...rest]);
      data.set(key, value);
      return 'OK';
    },
    del: async (key: string, ...rest: unknown[]) => (calls.push(['del', key, ...rest]), data.delete(key) ? 1 : 0),
  };
}

/** ioredis: `status`, `defineCommand`, `set(key, value, 'EX', s)`. */
function fakeIoredis(status = 'ready') {
  const calls: Call[] = [];
  return {
    calls,
    status,
    defineCommand: jest.fn(),
    get: async (key: string, ...rest: unknown[]) => (calls.push(['get', key, ...rest]), 'v'),
    set: async (...args: unknown[]) => (calls.push(['set', ...args]), 'OK'),
    del: async (...args: unknown[]) => (calls.push(['del', ...args]), 1),
  };
}

/** The 1.1.1 README contract, callbacks only. */
function fakeCallbackStore() {
  const calls: Call[] = [];
  const data: Record<string, string> = {};
  return {
    calls,
    get(key: string, cb: (e: unknown, v?: string) => void) {
      calls.push(['get', key]);
      cb(null, data[key]);
    },
    set(key: string, value: string, cb: (e: unknown, v?: string) => void) {
      calls.push(['set', key, value]);
      data[key] = value;
      cb(null, 'OK');
    },
    expire(key: string, seconds: number, _cb: (e: unknown, v?: number) => void) {
      // As in 1.1.1's README: answers only when the entry expires (here: never).
      calls.push(['expire', key, seconds]);
    },
  };
}

describe('storeAdapter', () => {
  test('node-redis v4+: promises and set(key, value, { EX }), never a callback', async () => {
    const client = fakeNodeRedis();
    const adapter = storeAdapter(client);
    expect(adapter.kind).toBe('node-redis');
    await adapter.set('k', 'v', 0.2);
    await expect(adapter.get('k')).resolves.toBe('v');
    await adapter.delete!('k');
    expect(client.calls).toEqual([
      ['set', 'k', 'v', { EX: 1 }],
      ['get', 'k'],
      ['del', 'k'],
    ]);
    for (const call of client.calls) expect(call.some((arg) => typeof arg === 'function')).toBe(false);
  });

  test('node-redis cluster (isOpen only) and v4 legacyMode (.v4) are node-redis too', async () => {
    const cluster = { ...fakeNodeRedis(), isReady: undefined };
    delete (cluster as { isReady?: boolean }).isReady;
    const adapter = storeAdapter(cluster);
    expect(adapter.kind).toBe('node-redis');
    expect(adapter.ready()).toBe(true);
    cluster.isOpen = false;
    expect(adapter.ready()).toBe(false);

    const v4 = fakeNodeRedis();
    const legacy = { isReady: true, v4, get: jest.fn(), set: jest.fn(), expire: jest.fn() };
    const legacyAdapter = storeAdapter(legacy);
    await legacyAdapter.set('k', 'v', 60);
    expect(v4.calls).toEqual([['set', 'k', 'v', { EX: 60 }]]);
    expect(legacy.set).not.toHaveBeenCalled();
  });

  test("ioredis and Cluster: set(key, value, 'EX', seconds); ready from status", async () => {
    const client = fakeIoredis();
    const adapter = storeAdapter(client);
    expect(adapter.kind).toBe('ioredis');
    await adapter.set('k', 'v', 30.5);
    await adapter.get('k');
    await adapter.delete!('k');
    expect(client.calls).toEqual([
      ['set', 'k', 'v', 'EX', 31],
      ['get', 'k'],
      ['del', 'k'],
    ]);
    expect(storeAdapter(fakeIoredis('reconnecting')).ready()).toBe(false);
    expect(storeAdapter(fakeIoredis('wait')).ready()).toBe(true);
  });

  test('node-redis v3: callbacks and one atomic SET .. EX', async () => {
    const calls: Call[] = [];
    const v3 = {
      connected: true,
      send_command: jest.fn(),
      get: (key: string, cb: (e: unknown, v: string) => void) => (calls.push(['get', key]), cb(null, 'v')),
      set: (...args: unknown[]) => {
        const cb = args.pop() as (e: unknown, v: string) => void;
        calls.push(['set', ...args]);
        cb(null, 'OK');
      },
      expire: jest.fn(),
      del: (key: string, cb: (e: unknown, v: number) => void) => (calls.push(['del', key]), cb(null, 1)),
    };
    const adapter = storeAdapter(v3);
    expect(adapter.kind).toBe('node-redis-v3');
    await expect(adapter.get('k')).resolves.toBe('v');
    await adapter.set('k', 'v', 0.5);
    await adapter.delete!('k');
    expect(calls).toEqual([
      ['get', 'k'],
      ['set', 'k', 'v', 'EX', 1],
      ['del', 'k'],
    ]);
    expect(v3.expire).not.toHaveBeenCalled();
    v3.connected = false;
    expect(adapter.ready()).toBe(false);
  });

  test('the 1.1.1 callback contract: set then expire with the TTL as given, not waiting for expire', async () => {
    const store = fakeCallbackStore();
    const adapter = storeAdapter(store);
    expect(adapter.kind).toBe('callback');
    await adapter.set('k', 'v', 0.25); // resolves although expire never answers
    await expect(adapter.get('k')).resolves.toBe('v');
    expect(store.calls).toEqual([
      ['set', 'k', 'v'],
      ['expire', 'k', 0.25],
      ['get', 'k'],
    ]);
    expect(adapter.delete).toBeUndefined();
  });

  test('a callback error rejects', async () => {
    const adapter = storeAdapter({
      get: (_k: string, cb: (e: unknown) => void) => cb(new Error('boom')),
      set: jest.fn(),
      expire: jest.fn(),
    });
    await expect(adapter.get('k')).rejects.toThrow('boom');
  });

  test('a CacheStore: promises, set(key, value, ttlSeconds), optional delete and clear', async () => {
    const store = { get: jest.fn(async () => 'v'), set: jest.fn(async () => {}), delete: jest.fn(async () => true) };
    const adapter = storeAdapter(store);
    expect(adapter.kind).toBe('cache-store');
    await adapter.set('k', 'v', 1.5);
    expect(store.set).toHaveBeenCalledWith('k', 'v', 1.5);
    expect(store.set.mock.calls[0]).toHaveLength(3);
    await adapter.delete!('k');
    expect(store.delete).toHaveBeenCalledWith('k');
    expect(adapter.clear).toBeUndefined();
    expect(storeAdapter(memoryStore()).clear).toBeDefined();
  });

  test('a synchronous throw becomes a rejection', async () => {
    const client = {
      ...fakeNodeRedis(),
      get: () => {
        throw new Error('sync throw');
      },
    };
    await expect(storeAdapter(client).get('k')).rejects.toThrow('sync throw');
  });

  test('anything else is a TypeError naming the contracts', () => {
    expect(() => storeAdapter({ get: () => 1 })).toThrow(TypeError);
    expect(() => storeAdapter('redis://localhost')).toThrow(/cacheClient must be/);
    expect(() => storeAdapter(null)).toThrow(TypeError);
  });

  test('the adapter is made once per client', () => {
    const client = fakeIoredis();
    expect(storeAdapter(client)).toBe(storeAdapter(client));
  });

  test('Redis TTLs are whole seconds, at least 1', () => {
    expect([0.001, 1, 1.2, 59.9].map(redisSeconds)).toEqual([1, 1, 2, 60]);
  });
});
