import Redis from 'ioredis';
import { createClient } from 'redis';
import { createSync, type SyncInstance, type SyncOptions } from '../../lib/index';
import { backboneWith } from '../helpers/backbone';
import { describeWithRedis, freePort, OwnRedis, REDIS_PORT, runPrefix } from '../helpers/redis';
import { sendJSON, TestServer } from '../helpers/test-server';

/** What the tests need of either client, to look inside Redis. */
interface Inspect {
  ttl(key: string): Promise<number>;
  keys(pattern: string): Promise<string[]>;
  close(): Promise<void>;
  client: unknown;
}

async function nodeRedis(port = REDIS_PORT): Promise<Inspect> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => {});
  await client.connect();
  return {
    client,
    ttl: (key) => client.ttl(key),
    keys: (pattern) => client.keys(pattern),
    close: async () => {
      client.destroy();
    },
  };
}

async function ioredis(port = REDIS_PORT): Promise<Inspect> {
  const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 100, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await new Promise((resolve) => client.once('ready', resolve));
  return {
    client,
    ttl: (key) => client.ttl(key),
    keys: (pattern) => client.keys(pattern),
    close: async () => {
      client.disconnect();
    },
  };
}

const clients: Array<[string, (port?: number) => Promise<Inspect>]> = [
  ['redis (node-redis v5)', nodeRedis],
  ['ioredis', ioredis],
];

let server: TestServer;
let counter = 0;
function route() {
  const path = `/redis${++counter}`;
  let hits = 0;
  server.route(path, (req, res) => {
    hits++;
    sendJSON(res, { who: req.headers.authorization ?? 'anonymous', hits });
  });
  return { url: server.url(path), hits: () => hits };
}

/**
 * For the tests that count hits: the default 100 ms cacheTimeout rightly sends a call to the network when
 * Redis answers late, which a machine busy with other suites can make it do.
 */
const patient = { cacheTimeout: 2000 };

function read(sync: SyncInstance, url: string, options: SyncOptions = {}) {
  return sync('read', { url }, { cache: true, ...options });
}

beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

describeWithRedis('cache on a real Redis (127.0.0.1:6379)', () => {
  describe.each(clients)('%s', (label, connect) => {
    let redis: Inspect;
    let prefix: string;
    beforeAll(async () => {
      redis = await connect();
      prefix = runPrefix(label.split(' ')[0]);
    });
    afterAll(async () => {
      await redis.close();
    });

    test('the entry is in Redis before success runs: a read and a Redis GET from the callback both find it', async () => {
      const sync = createSync({ ...patient, cacheClient: redis.client, cachePrefix: `${prefix.slice(0, -1)}-cb:` });
      const r = route();
      let inner: Promise<unknown> | undefined;
      let stored: Promise<string[]> | undefined;
      await read(sync, r.url, {
        success: () => {
          inner = read(sync, r.url);
          stored = redis.keys(`${prefix.slice(0, -1)}-cb:*`);
        },
      });
      await expect(inner).resolves.toEqual({ who: 'anonymous', hits: 1 });
      await expect(stored).resolves.toHaveLength(1);
      expect(r.hits()).toBe(1);
    });

    test('revalidation through Redis: a 304 refreshes the entry and answers from it', async () => {
      const path = `/redis-etag-${++counter}`;
      const counts = { full: 0, notModified: 0 };
      server.route(path, (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') {
          counts.notModified++;
          res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=0' });
          return res.end();
        }
        counts.full++;
        sendJSON(res, { v: 1 }, 200, { etag: '"v1"', 'cache-control': 'max-age=0' });
      });
      const sync = createSync({
        ...patient,
        cacheClient: redis.client,
        cachePrefix: `${prefix.slice(0, -1)}-etag:`,
        defaultCacheTime: 'http',
        cacheGrace: 60,
      });
      await read(sync, server.url(path));
      const again = read(sync, server.url(path));
      await expect(again).resolves.toEqual({ v: 1 });
      expect(again.cacheStatus).toBe('revalidated');
      expect(counts).toEqual({ full: 1, notModified: 1 });
    });

    test('a hit comes from Redis; Redis holds the key with TTL <= cacheTime', async () => {
      const sync = createSync({ ...patient, cacheClient: redis.client, cachePrefix: prefix });
      const r = route();
      await read(sync, r.url, { cacheTime: 30 });
      await expect(read(sync, r.url, { cacheTime: 30 })).resolves.toEqual({ who: 'anonymous', hits: 1 });
      expect(r.hits()).toBe(1);
      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toHaveLength(1);
      const ttl = await redis.ttl(keys[0]);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);

      const fraction = route();
      await read(sync, fraction.url, { cacheTime: 0.2 });
      const after = (await redis.keys(`${prefix}*`)).filter((key) => key !== keys[0]);
      expect(await redis.ttl(after[0])).toBe(1); // rounded up: Redis takes whole seconds
    });

    test('a save through the instance deletes the cached reads in Redis and moves the URL’s generation on', async () => {
      const p = `${prefix}inv:`;
      const path = `/redis-books${++counter}`;
      let gets = 0;
      server.route(`${path}/1`, (req, res) => {
        if (req.method === 'GET') gets++;
        sendJSON(res, { id: 1, gets });
      });
      const { Model } = backboneWith({ ...patient, cacheClient: redis.client, cachePrefix: p }, server.url(path));
      const book = new Model({ id: 1 });
      await book.fetch({ cache: true } as never);
      expect(await redis.keys(`${p}*`)).toHaveLength(1);
      await book.save({ title: 'x' });
      const left = await redis.keys(`${p}*`);
      // What stays is the generation of the model's URL and of its collection's (counters every process
      // checks), never an entry.
      expect(left).toHaveLength(2);
      for (const key of left) expect(key).toMatch(/^.*\{[0-9a-f]{24}\}:generation$/);
      await book.fetch({ cache: true } as never);
      expect(gets).toBe(2);
    });

    test('security: B (anonymous) and C (another token) never receive A’s body', async () => {
      const sync = createSync({ ...patient, cacheClient: redis.client, cachePrefix: `${prefix}sec:` });
      const r = route();
      for (const scope of [undefined, 'user'] as const) {
        await read(sync, r.url, { headers: { authorization: 'Bearer A' }, cacheScope: scope });
        const b = await read(sync, r.url);
        const c = await read(sync, r.url, { headers: { authorization: 'Bearer C' }, cacheScope: scope });
        expect(b).toMatchObject({ who: 'anonymous' });
        expect(c).toMatchObject({ who: 'Bearer C' });
        await expect(read(sync, r.url)).resolves.toMatchObject({ who: 'anonymous' });
      }
    });

    test('Redis stopped mid-run: reads still succeed from the network; after a restart the cache works again', async () => {
      const own = new OwnRedis(await freePort());
      await own.start();
      const client = await connect(own.port);
      try {
        const errors: string[] = [];
        const sync = createSync({
          cacheClient: client.client,
          cachePrefix: `${prefix}down:`,
          cacheBreaker: { failures: 3, cooldown: 200 },
          onCacheError: (error) => errors.push(error.message),
        });
        const r = route();
        await read(sync, r.url);
        await read(sync, r.url);
        expect(r.hits()).toBe(1);

        await own.stop();
        const started = Date.now();
        for (let i = 0; i < 5; i++) await expect(read(sync, r.url)).resolves.toMatchObject({ who: 'anonymous' });
        // Generous: five reads of a local server, each bounded by cacheTimeout (100 ms) at worst.
        expect(Date.now() - started).toBeLessThan(5000);
        expect(r.hits()).toBe(6);
        expect(errors.length).toBeGreaterThan(0);

        await own.start();
        const deadline = Date.now() + 15_000;
        let fromCache = false;
        while (!fromCache && Date.now() < deadline) {
          // Whether the first read missed (the client still reconnecting) or hit, the second read must
          // not reach the server once the cache works again.
          await read(sync, r.url);
          const before = r.hits();
          await read(sync, r.url);
          fromCache = r.hits() === before;
          if (!fromCache) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(fromCache).toBe(true);
      } finally {
        await client.close();
        await own.stop();
      }
    });
  });
});
