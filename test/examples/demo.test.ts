import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

test('npm start (examples/demo.ts) prints the stack, a CRUD round trip and a timeout, and exits 0', async () => {
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { cwd: root, timeout: 30000 }, (error, out) =>
      resolve({ code: error ? 1 : 0, stdout: out }),
    );
  });
  expect(code).toBe(0);
  expect(stdout).toContain('log (instance)');
  expect(stdout).toContain('transport (built-in)');
  expect(stdout).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/books\/1 -> 200/);
  expect(stdout).toMatch(/POST .*\/books -> 201/);
  expect(stdout).toMatch(/PUT .*\/books\/2 -> 200/);
  expect(stdout).toMatch(/PATCH .*\/books\/2 -> 200/);
  expect(stdout).toMatch(/DELETE .*\/books\/2 -> 204/);
  expect(stdout).toContain('patched: {"title":"Hyperion","author":"Dan Simmons","id":2,"year":1990}');
  expect(stdout).toContain('timeout error: textStatus=timeout status=0 message="timeout of 100ms exceeded"');
});
