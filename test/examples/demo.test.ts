import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/demo.ts (npm start) prints the stack, a CRUD round trip through the logger, and a timeout', async () => {
  const { code, stdout, stderr } = await runExample('demo');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toMatch(/┌ logger \(instance\) ─+┐/);
  for (const verb of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    expect(stdout).toMatch(
      new RegExp(`^  ${verb} http://127\\.0\\.0\\.1:\\d+/books\\S* 20[014] \\d+ms cache=off retries=0$`, 'm'),
    );
  }
  expect(stdout).toContain('fetched: {"id":1,"title":"Dune","author":"Herbert"}');
  expect(stdout).toContain('destroyed: book 2');
  expect(stdout).toMatch(/\/slow 0 ERR_TIMEOUT \d+ms/);
  expect(stdout).toContain('timeout error: textStatus=timeout status=0 message="timeout of 100ms exceeded"');
});
