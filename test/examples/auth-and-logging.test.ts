import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/auth-and-logging.ts refreshes once for three 401s, logs each call, and prints the stack', async () => {
  const { code, stdout, stderr } = await runExample('auth-and-logging');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toMatch(/┌ logger \(instance\) ─+┐/);
  expect(stdout).toMatch(/┌ auth \(instance\) ─+┐/);
  expect(stdout.indexOf('logger (instance)')).toBeLessThan(stdout.indexOf('auth (instance)'));
  expect(stdout).toContain('after the first call: getToken() called 1 time(s)');
  expect(stdout).toContain('after 3 concurrent calls hit a 401: getToken() called 2 time(s) in all');
  expect(stdout).toContain('fetched: b=ada c=ada d=ada');
  expect(stdout).toContain('a second 401 fails the call: status 401 {"error":"token expired"}');
  const logLines = stdout.split('\n').filter((line) => line.startsWith('log: '));
  expect(logLines).toHaveLength(4);
  for (const id of ['a', 'b', 'c', 'd']) {
    expect(logLines).toContainEqual(
      expect.stringMatching(new RegExp(`GET http://127\\.0\\.0\\.1:\\d+/docs/${id} 200 <n>ms cache=off retries=0$`)),
    );
  }
  expect(stdout).not.toMatch(/token-\d/);
});
