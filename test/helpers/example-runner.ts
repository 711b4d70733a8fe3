import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `examples/<name>.ts` as `npx tsx` would, in its own process, and collects what it prints. */
export function runExample(name: string, timeoutMs = 60_000): Promise<ExampleRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, path.join('examples', `${name}.ts`)],
      { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
