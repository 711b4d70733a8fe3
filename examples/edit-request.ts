/**
 * Replacing `editRequest`: backbone-super-sync 1.1.1's README told you to wrap Backbone.sync to add a
 * header to every request. In 2.x that is a named step. Both run here, side by side, against one server.
 * Run: npx tsx examples/edit-request.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Backbone from 'backbone';
import { createSync } from '../lib/index';
import { headers } from '../middleware/index';
import { runMain } from './run-main';

type SyncFn = (method: string, model: unknown, options?: Record<string, unknown>) => unknown;

async function startApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'mona-lisa', token: req.headers['x-xapp-token'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function main() {
  const server = await startApi();
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Before (1.1.1): wrap the sync function by hand, as the README showed.
  const legacySync: SyncFn = require('legacy-super-sync');
  const wrappedSync: SyncFn = function (method, model, options = {}) {
    options.headers = options.headers || {}; // the README's version threw on calls without headers
    (options.headers as Record<string, string>)['x-xapp-token'] = 'foobar';
    return legacySync(method, model, options);
  };

  // After (2.x): a step that says what it does, shows up in sync.steps(), and can be removed.
  const sync = createSync().use('xapp-token', headers({ 'x-xapp-token': 'foobar' }));

  const OldArtwork = Backbone.Model.extend({ urlRoot: `${api}/artworks`, sync: wrappedSync });
  const NewArtwork = Backbone.Model.extend({ urlRoot: `${api}/artworks`, sync });
  const before = new OldArtwork({ id: 'mona-lisa' });
  const after = new NewArtwork({ id: 'mona-lisa' });
  await before.fetch();
  await after.fetch();
  console.log(`1.1.1 wrapper  -> server saw x-xapp-token: ${before.get('token')}`);
  console.log(`2.x headers()  -> server saw x-xapp-token: ${after.get('token')}`);
  console.log(`2.x steps: ${sync.steps().join(' > ')}`);

  // A function of the call's context: a token that changes, or one per model.
  let token = 'rotated-1';
  const rotating = createSync().use(
    'xapp-token',
    headers(() => ({ 'x-xapp-token': token })),
  );
  const RotatingArtwork = Backbone.Model.extend({ urlRoot: `${api}/artworks`, sync: rotating });
  const art = new RotatingArtwork({ id: 'mona-lisa' });
  await art.fetch();
  token = 'rotated-2';
  const first = art.get('token');
  await art.fetch();
  console.log(`headers(fn)    -> ${first}, then ${art.get('token')}`);

  // For one call only: a per-request step.
  const plain = new (Backbone.Model.extend({ urlRoot: `${api}/artworks`, sync: createSync() }))({ id: 'mona-lisa' });
  await plain.fetch({ middleware: [headers({ 'x-xapp-token': 'just-this-once' })] });
  console.log(`per-request    -> ${plain.get('token')}`);
  server.close();
}

runMain(main);
