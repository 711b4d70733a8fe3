import { runHeapFixture } from '../helpers/heap-fixture';

const run = (reads: number) =>
  runHeapFixture<{ grownBytes: number; indexedKeys: number }>('cache-heap', [String(reads)]);

describe('the cache stays within its bounds', () => {
  test('100,000 distinct cached reads through the default memory store grow the heap by less than 8 MB', async () => {
    const { grownBytes, indexedKeys } = await run(100_000);
    // The key index follows the store's evictions: it holds no more keys than the store's 1,000 entries.
    expect(indexedKeys).toBeLessThanOrEqual(1000);
    expect(indexedKeys).toBeGreaterThan(0);
    expect(grownBytes).toBeLessThan(8 * 1024 * 1024);
  }, 250_000);
});
