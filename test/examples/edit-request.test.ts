import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/edit-request.ts: the 1.1.1 wrapper and the headers() step send the same header', async () => {
  const { code, stdout, stderr } = await runExample('edit-request');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout.split('\n')).toEqual([
    '1.1.1 wrapper  -> server saw x-xapp-token: foobar',
    '2.x headers()  -> server saw x-xapp-token: foobar',
    '2.x steps: timeout > headers > xapp-token > cache > parse > transport',
    'headers(fn)    -> rotated-1, then rotated-2',
    'per-request    -> just-this-once',
    '',
  ]);
});
