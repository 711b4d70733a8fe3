/**
 * A flaky endpoint retried with backoff (and Retry-After), and a burst of identical reads that makes
 * one request.
 * Run: npx tsx examples/retry-and-dedupe.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Backbone from 'backbone';
import { createSync, type SyncError } from '../lib/index';
import { dedupe, logger, retry } from '../middleware/index';
import { runMain } from './run-main';

const hits: Record<string, number> = {};

async function startApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (hits[path] = (hits[path] ?? 0) + 1);
    const send = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/flaky') {
      if (n === 1) return send(503, { error: 'warming up' });
      if (n === 2) return send(429, { error: 'slow down' }, { 'retry-after': '1' });
      return send(200, { id: 'flaky', ok: true });
    }
    if (path === '/down') return send(500, { error: 'still down', attempt: n });
    // /popular answers slowly, so a burst of reads overlaps.
    setTimeout(() => send(200, { id: 'popular', views: 1000 }), 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function main() {
  const server = await startApi();
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines: string[] = [];
  const sync = createSync()
    .use(logger({ log: (line) => lines.push(line.replace(`${api}`, '').replace(/ \d+ms /, ' ')) }))
    .use(retry({ retries: 3, minDelay: 50, maxDelay: 500 }))
    .use(dedupe());
  console.log(`steps: ${sync.steps().join(' > ')}`);
  const Item = Backbone.Model.extend({ sync });

  // 1. Flaky: a 503, then a 429 asking for 1 s (Retry-After), then 200.
  const started = Date.now();
  const flaky = new Item();
  flaky.url = `${api}/flaky`;
  await flaky.fetch();
  const waited = Date.now() - started;
  console.log(
    `flaky: ok=${flaky.get('ok')} after ${hits['/flaky']} requests; waited >= 1 s for Retry-After: ${waited >= 1000}`,
  );

  // 2. Down for good: retried 3 times, then one error callback with the last body.
  const down = new Item();
  down.url = `${api}/down`;
  await down
    .fetch({
      error: (_model: unknown, error: SyncError) =>
        console.log(`down: error callback once, status ${error.status}, ${JSON.stringify(error.responseJSON)}`),
    })
    .catch(() => {});

  // 3. A burst of 20 identical reads: one request, 20 separate copies of the body.
  const burst = Array.from({ length: 20 }, () => {
    const item = new Item();
    item.url = `${api}/popular`;
    return item;
  });
  await Promise.all(burst.map((item) => item.fetch()));
  burst[0].set('views', 0);
  console.log(
    `burst: 20 fetches, ${hits['/popular']} request(s) to /popular; views seen by the others: ${burst[1].get('views')}`,
  );

  // Reads after it settled go out again.
  await burst[0].fetch();
  console.log(`a later read: ${hits['/popular']} requests to /popular in all`);
  const popular = lines.filter((line) => line.includes('/popular'));
  console.log('log (durations removed):');
  for (const line of lines.filter((l) => !popular.includes(l))) console.log(`  ${line}`);
  console.log(`  ${popular[0]}   (x${popular.length}: one line per call, shared or not)`);
  server.close();
}

runMain(main);
