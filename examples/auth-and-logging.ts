/**
 * Composing auth and logging: a token that expires, one refresh shared by the calls that hit the 401,
 * and one log line per call (never the token).
 * Run: npx tsx examples/auth-and-logging.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Backbone from 'backbone';
import { createSync } from '../lib/index';
import { auth, logger } from '../middleware/index';
import { runMain } from './run-main';

let issued = 0;
let valid = '';

async function startApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/token' && req.method === 'POST') {
      valid = `token-${++issued}`;
      return send(200, { access_token: valid });
    }
    if (req.headers.authorization !== `Bearer ${valid}`) return send(401, { error: 'token expired' });
    send(200, { id: req.url?.split('/').pop(), owner: 'ada' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function main() {
  const server = await startApi();
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let tokenCalls = 0;
  async function getToken(): Promise<string> {
    tokenCalls++;
    const res = await fetch(`${api}/token`, { method: 'POST' });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  // The logger masks durations here so the output is the same on every run.
  const sync = createSync()
    .use(logger({ log: (line) => console.log(`log: ${line.replace(/ \d+ms /, ' <n>ms ')}`) }))
    .use(auth(getToken));
  console.log(sync.print());

  const Doc = Backbone.Model.extend({ urlRoot: `${api}/docs`, sync });
  await new Doc({ id: 'a' }).fetch();
  console.log(`after the first call: getToken() called ${tokenCalls} time(s)`);

  valid = 'revoked'; // the server expires every token it gave out
  const docs = ['b', 'c', 'd'].map((id) => new Doc({ id }));
  await Promise.all(docs.map((doc) => doc.fetch()));
  console.log(`after 3 concurrent calls hit a 401: getToken() called ${tokenCalls} time(s) in all`);
  console.log(`fetched: ${docs.map((doc) => `${doc.id}=${doc.get('owner')}`).join(' ')}`);

  // A refresh that does not help: the second 401 fails the call.
  const locked = createSync().use(auth(() => 'wrong-token'));
  const Locked = Backbone.Model.extend({ urlRoot: `${api}/docs`, sync: locked });
  const failed = await new Locked({ id: 'z' })
    .fetch()
    .catch((error: { status: number; responseJSON: unknown }) => error);
  console.log(`a second 401 fails the call: status ${failed.status} ${JSON.stringify(failed.responseJSON)}`);
  server.close();
}

runMain(main);
