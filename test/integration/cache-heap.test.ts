import { execFile } from 'node:child_process';
import path from 'node:path';

const fixture = path.join(__dirname, '..', 'fixtures', 'cache-heap.ts');

function run(reads: number): Promise<{ grownBytes: number; indexedKeys: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fixture, String(reads)],
      { timeout: 240_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('the cache stays within its bounds', () => {
  test('100,000 distinct cached reads through the default memory store grow the heap by less than 8 MB', async () => {
    const { grownBytes, indexedKeys } = await run(100_000);
    // The key index follows the store's evictions: it holds no more keys than the store's 1,000 entries.
    expect(indexedKeys).toBeLessThanOrEqual(1000);
    expect(indexedKeys).toBeGreaterThan(0);
    expect(grownBytes).toBeLessThan(8 * 1024 * 1024);
  }, 250_000);
});
