/**
 * A server rendering pages from an API with backbone-super-sync's cache in Redis (node-redis): the first
 * render of a page fetches the API, the next ones are hits, a save invalidates. Without Redis on
 * 127.0.0.1:6379 (or REDIS_URL) it says so and uses the in-process memoryStore instead.
 *   npx tsx examples/server-side-cache.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Backbone from 'backbone';
import { createClient } from 'redis';
import { createSync, memoryStore } from '../lib/index';

const artworks = new Map([['1', { id: 1, title: 'Mona Lisa', views: 0 }]]);
let apiRequests = 0;

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function redisOrMemory() {
  const client = createClient({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    socket: { reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return { store: client, name: 'Redis', close: () => client.destroy() };
  } catch {
    console.log('note: Redis is not reachable on 127.0.0.1:6379; using memoryStore() (one process only)');
    return { store: memoryStore(), name: 'memoryStore', close: () => {} };
  }
}

async function main() {
  const api = await listen((req, res) => {
    apiRequests++;
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const id = (req.url ?? '').split('/')[2];
      if (req.method === 'PUT') artworks.set(id, JSON.parse(text));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(artworks.get(id)));
    });
  });
  const { store, name, close } = await redisOrMemory();
  const sync = createSync({ cacheClient: store, cachePrefix: `example:${process.pid}:`, defaultCacheTime: 60 });
  sync.use('report', async (ctx, next) => {
    await next();
    if (ctx.method === 'read')
      console.log(`  ${ctx.request.method} ${new URL(ctx.request.url).pathname}: ${ctx.state.cache}`);
  });
  const Artwork = Backbone.Model.extend({
    urlRoot: `http://127.0.0.1:${(api.address() as AddressInfo).port}/artworks`,
    sync,
  });

  const site = await listen(async (req, res) => {
    const artwork = new Artwork({ id: (req.url ?? '').split('/')[2] });
    await artwork.fetch({ cache: true } as Backbone.ModelFetchOptions);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<h1>${artwork.get('title')}</h1>`);
  });
  const page = async () => {
    const res = await fetch(`http://127.0.0.1:${(site.address() as AddressInfo).port}/artworks/1`);
    return res.text();
  };

  console.log(`cache store: ${name}`);
  for (let i = 1; i <= 3; i++) console.log(`render ${i}: ${await page()}`);
  console.log('saving a new title (invalidates the cached artwork)');
  await new Artwork({ id: 1 }).save({ title: 'La Joconde', views: 0 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (let i = 4; i <= 5; i++) console.log(`render ${i}: ${await page()}`);
  await sync.cache.invalidate(Artwork.prototype.urlRoot + '/1');
  console.log(`API requests: ${apiRequests} (5 renders, 1 save)`);
  site.close();
  api.close();
  await close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
