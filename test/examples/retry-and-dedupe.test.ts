import { runExample } from '../helpers/example-runner';

jest.setTimeout(90_000);

test('examples/retry-and-dedupe.ts retries the flaky endpoint and makes one request for a burst', async () => {
  const { code, stdout, stderr } = await runExample('retry-and-dedupe');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout.split('\n')).toEqual([
    'steps: timeout > headers > logger > retry > cache > parse > dedupe > transport',
    'flaky: ok=true after 3 requests; waited >= 1 s for Retry-After: true',
    'down: error callback once, status 500, {"error":"still down","attempt":4}',
    'burst: 20 fetches, 1 request(s) to /popular; views seen by the others: 1000',
    'a later read: 2 requests to /popular in all',
    'log (durations removed):',
    '  GET /flaky 200 cache=off retries=2',
    '  GET /down 500 ERR_HTTP cache=off retries=3',
    '  GET /popular 200 cache=off retries=0   (x21: one line per call, shared or not)',
    '',
  ]);
});
