import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * Runs `test/fixtures/<name>.ts` in a child process with `--expose-gc` (a heap of its own, measured after
 * forced collections) and returns the JSON it prints.
 */
export function runHeapFixture<T>(name: string, args: readonly string[], timeoutMs = 240_000): Promise<T> {
  const fixture = path.join(__dirname, '..', 'fixtures', `${name}.ts`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fixture, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}
