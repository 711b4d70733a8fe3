import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/testing-models.ts runs the app stack against mockTransport and exits 0', async () => {
  const { code, stdout, stderr } = await runExample('testing-models');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('fetched after a 503: Dune');
  expect(stdout).toContain('saved after a 401, with If-Match: {"id":1,"title":"Dune Messiah"}');
  expect(stdout).toContain('conflict, server has: {"id":1,"title":"Dune (theirs)"}');
  expect(stdout).toContain('second save: conflict');
  expect(stdout).toContain('searches: abort, abort, done; results: [{"id":3}]');
  expect(stdout).toContain(
    [
      '  GET /books/1 Bearer stale -',
      '  GET /books/1 Bearer stale -',
      '  PUT /books/1 Bearer stale "v1"',
      '  PUT /books/1 Bearer fresh "v1"',
      '  PUT /books/1 Bearer fresh "v2"',
    ].join('\n'),
  );
});
