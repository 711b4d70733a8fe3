import { memoryStore } from '../../../lib/cache/memory-store';

describe('memoryStore', () => {
  afterEach(() => jest.useRealTimers());

  test('keeps values until their TTL (fractions of a second allowed)', async () => {
    jest.useFakeTimers({ now: 5_000_000 });
    // lru-cache takes its clock (performance) when it loads: load it under the fake one.
    let fresh: typeof memoryStore = memoryStore;
    jest.isolateModules(() => {
      fresh = require('../../../lib/cache/memory-store').memoryStore;
    });
    const store = fresh();
    jest.advanceTimersByTime(1000); // the fake performance.now() starts at 0, which lru-cache reads as "no start"

    await store.set('a', 'A', 0.5);
    await store.set('b', 'B', 60);
    await expect(store.get('a')).resolves.toBe('A');
    jest.advanceTimersByTime(600);
    await expect(store.get('a')).resolves.toBeUndefined();
    await expect(store.get('b')).resolves.toBe('B');
    jest.advanceTimersByTime(60_000);
    await expect(store.get('b')).resolves.toBeUndefined();
  });

  test('is bounded by entries (least recently used first) and by bytes', async () => {
    const store = memoryStore({ max: 2, maxBytes: 100 });
    await store.set('a', 'A', 60);
    await store.set('b', 'B', 60);
    await store.get('a');
    await store.set('c', 'C', 60);
    await expect(store.get('b')).resolves.toBeUndefined();
    await expect(store.get('a')).resolves.toBe('A');
    expect(store.size).toBe(2);

    const small = memoryStore({ maxBytes: 100 });
    await small.set('big', 'x'.repeat(200), 60);
    await expect(small.get('big')).resolves.toBeUndefined();
    await small.set('k1', 'é'.repeat(30), 60); // 60 bytes of UTF-8 + 2 of key
    await small.set('k2', 'é'.repeat(30), 60);
    expect(small.bytes).toBeLessThanOrEqual(100);
    await expect(small.get('k1')).resolves.toBeUndefined();
    await expect(small.get('k2')).resolves.toBe('é'.repeat(30));
  });

  test('delete, clear, and a TTL of 0 or less stores nothing', async () => {
    const store = memoryStore();
    await store.set('a', 'A', 60);
    await store.set('z', 'Z', 0);
    await expect(store.get('z')).resolves.toBeUndefined();
    await expect(store.delete('a')).resolves.toBe(true);
    await store.set('b', 'B', 60);
    await store.clear();
    expect(store.size).toBe(0);
  });

  test('bad options are TypeErrors at setup', () => {
    expect(() => memoryStore({ max: 0 })).toThrow(/max must be a positive integer/);
    expect(() => memoryStore({ maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => memoryStore(null as never)).toThrow(TypeError);
  });
});
