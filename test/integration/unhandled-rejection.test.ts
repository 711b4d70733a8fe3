import { execFile } from 'node:child_process';
import path from 'node:path';
import { TestServer } from '../helpers/test-server';

const fixture = path.join(__dirname, '..', 'fixtures', 'failing-fetch.ts');

function runFixture(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture, ...args], { timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('14. no unhandled rejections when the app handles errors', () => {
  test('a failed fetch with an error callback does not end the process', async () => {
    const { code, stdout } = await runFixture('error-callback');
    expect(stdout).toContain('error callback ran');
    expect(stdout).toContain('still alive');
    expect(code).toBe(0);
  });

  test('.catch on the returned promise still sees the rejection', async () => {
    const { code, stdout } = await runFixture('error-callback-and-catch');
    expect(stdout).toContain('error callback ran');
    expect(stdout).toContain('catch saw SyncError');
    expect(code).toBe(0);
  });

  test('without an error callback the rejection is an ordinary one (Node reports it)', async () => {
    const { code, stdout, stderr } = await runFixture('no-error-callback');
    expect(code).not.toBe(0);
    expect(stdout).not.toContain('still alive');
    expect(stderr).toContain('ECONNREFUSED');
  });
});

describe('callback faults', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('a throwing success callback settles once: complete runs, error does not, the caller promise carries it', async () => {
    const { stdout, stderr, code } = await runFixture('success-callback-throws', server.url('/found'));
    expect(stdout.match(/success callback ran/g)).toHaveLength(1);
    expect(stdout.match(/complete ran/g)).toHaveLength(1);
    expect(stdout).not.toContain('error callback ran');
    // Nobody caught fetch()'s promise, so Node reports the app's own exception, once.
    expect(stderr.match(/bug in the app callback/g)?.length).toBeGreaterThanOrEqual(1);
    expect(code).not.toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});
