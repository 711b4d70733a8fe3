import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { redisAnswers } from '../helpers/redis';

const root = path.resolve(__dirname, '../..');

function runExample(env: Record<string, string> = {}) {
  const result = spawnSync('npx', ['tsx', 'examples/server-side-cache.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

/** Hits and misses as the example prints them, in order. */
function outcomes(out: string): string[] {
  return [...out.matchAll(/GET \/artworks\/1: (\w+)/g)].map((match) => match[1]);
}

describe('examples/server-side-cache.ts', () => {
  const expected = ['miss', 'hit', 'hit', 'miss', 'hit'];

  (redisAnswers() ? test : test.skip)('with Redis: renders 2, 3 and 5 are hits; the save makes 4 a miss', () => {
    const { status, out, err } = runExample();
    expect(err).toBe('');
    expect(status).toBe(0);
    expect(out).toContain('cache store: Redis');
    expect(outcomes(out)).toEqual(expected);
    expect(out).toContain('render 4: <h1>La Joconde</h1>');
    expect(out).toContain('API requests: 3 (5 renders, 1 save)');
  });

  test('without Redis it says so and falls back to memoryStore, with the same hits', () => {
    const { status, out } = runExample({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(status).toBe(0);
    expect(out).toMatch(/note: Redis is not reachable.*memoryStore/);
    expect(out).toContain('cache store: memoryStore');
    expect(outcomes(out)).toEqual(expected);
    expect(out).toContain('API requests: 3 (5 renders, 1 save)');
  });
});
