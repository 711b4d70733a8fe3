import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/custom-middleware.ts names, places and refuses steps, and exits 0', async () => {
  const { code, stdout, stderr } = await runExample('custom-middleware');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain(
    'refused: Step "stamp-too-deep" must sit before (outside) "parse" (it edits the parsed body), but it would run inside it',
  );
  expect(stdout).toContain('steps: timeout > headers > timing > tenant > stamp > cache > parse > wire-log > transport');
  expect(stdout).toMatch(/┌ wire-log \(instance\) ─+┐/);
  expect(stdout).toContain('wire-log: GET http://api.test/books/1 x-tenant=acme');
  expect(stdout).toContain('fetched: {"id":1,"title":"Dune","tenant":"acme","fetchedBy":"stamp"}');
  expect(stdout).toContain("after remove('wire-log'): steps: timeout > headers > timing > tenant > stamp > cache");
});
