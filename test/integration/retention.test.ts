import { execFile } from 'node:child_process';
import path from 'node:path';

const fixture = path.join(__dirname, '..', 'fixtures', 'retained-calls.ts');

interface Retained {
  kept: number;
  counts: Record<string, number>;
}

function run(calls: number): Promise<Retained> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fixture, String(calls)],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('a settled call is not retained by its handle', () => {
  test('10,000 settled model.fetch() handles kept by the app hold no call context, request or response object', async () => {
    const { kept, counts } = await run(10_000);
    expect(kept).toBe(10_000);
    // The snapshot does see what the app keeps: every handle is there.
    expect(counts.SyncHandle).toBe(10_000);
    expect(counts).toMatchObject({ CallContext: 0, Request: 0, ClientRequest: 0, IncomingMessage: 0, WireResponse: 0 });
  }, 130_000);
});
