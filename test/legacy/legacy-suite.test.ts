import { assertFreshBuild } from '../helpers/built-package';
import { runLegacySuite } from './run-legacy-suite';

describe("backbone-super-sync 1.1.1's own suite, run against this build", () => {
  test('all 25 of its tests pass with cacheKey = legacyCacheKey (the cache writes before callbacks, keeps every header)', () => {
    assertFreshBuild();
    const run = runLegacySuite();
    expect(run.failed).toEqual([]);
    expect(run.passes).toBe(25);
  }, 130_000);
});
