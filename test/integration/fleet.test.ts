import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import type { SyncConfig } from '../../lib/index';
import type { WorkerCommand, WorkerInit } from '../fixtures/fleet-worker';
import { describeWithRedis, freePort, OwnRedis, REDIS_PORT, runPrefix } from '../helpers/redis';
import { canStartCluster, LocalRedisCluster } from '../helpers/redis-cluster';
import { sendJSON, TestServer } from '../helpers/test-server';

const fixture = path.join(__dirname, '..', 'fixtures', 'fleet-worker.ts');

type Command = WorkerCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;
interface ReadResult {
  results: Array<{ body: unknown; cacheStatus: string }>;
  cacheErrors: string[];
}

/** A forked process of the fleet, answering commands by id. */
class Worker {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();

  constructor() {
    this.child = fork(fixture, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: Record<string, unknown>) => {
      this.waiting.get(reply.id as number)?.(reply);
      this.waiting.delete(reply.id as number);
    });
    // A killed process answers nothing more: whatever it was asked fails.
    this.child.on('exit', () => {
      for (const answer of this.waiting.values()) answer({ error: 'the worker exited' });
      this.waiting.clear();
    });
  }

  ask<T = Record<string, unknown>>(command: Command): Promise<T> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply as T)));
      this.child.send({ ...command, id });
    });
  }

  read(url: string, concurrency = 1, options: Record<string, unknown> = {}): Promise<ReadResult> {
    return this.ask<ReadResult>({ type: 'read', url, concurrency, options });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ type: 'exit' }).catch(() => {});
    await exited;
  }
}

async function startFleet(size: number, init: (index: number) => WorkerInit): Promise<Worker[]> {
  const workers = Array.from({ length: size }, () => new Worker());
  await Promise.all(workers.map((worker, index) => worker.ask({ type: 'init', init: init(index) })));
  return workers;
}

let server: TestServer;
let counter = 0;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

/** A route that answers after `delay` ms and counts its GETs. */
function slowRoute(delay: number, name = 'fleet') {
  const path = `/${name}-${process.pid}-${++counter}/items`;
  let gets = 0;
  server.route(path, (req, res) => {
    if (req.method !== 'GET') return sendJSON(res, { ok: true });
    gets++;
    const n = gets;
    setTimeout(() => sendJSON(res, { n, accept: req.headers.accept }), delay);
  });
  return { url: server.url(path), gets: () => gets };
}

function fleetSuite(label: string, nodes: () => Array<{ host: string; port: number }>, client: 'redis' | 'ioredis') {
  describe(label, () => {
    let workers: Worker[] = [];
    const start = async (size: number, config: SyncConfig = {}, skew: (index: number) => number = () => 0) => {
      const prefix = runPrefix(`fleet-${client}`);
      workers = await startFleet(size, (index) => ({
        client,
        nodes: nodes(),
        config: {
          cachePrefix: prefix,
          // Shared, as the README says, so that 'user' entries are shared by the fleet too.
          cacheUserSecret: 'one-secret-for-the-whole-fleet',
          // These tests are about the protocol: a Redis answer slower than the default 100 ms (a busy CI
          // machine running other suites) would rightly send a call to the network and count as a miss.
          cacheTimeout: 2000,
          ...config,
        },
        clockSkew: skew(index),
      }));
      return workers;
    };
    afterEach(async () => {
      await Promise.all(workers.map((worker) => worker.exit()));
      workers = [];
    });

    test('stampede: 4 processes × 50 concurrent reads of a cold key make exactly one upstream request', async () => {
      const route = slowRoute(300);
      const fleet = await start(4);
      const reads = await Promise.all(fleet.map((worker) => worker.read(route.url, 50)));
      expect({ gets: route.gets(), cacheErrors: reads.flatMap((read) => read.cacheErrors) }).toEqual({
        gets: 1,
        cacheErrors: [],
      });
      const bodies = reads.flatMap((read) => read.results.map((result) => JSON.stringify(result.body)));
      expect(new Set(bodies)).toEqual(new Set([JSON.stringify({ n: 1, accept: 'application/json' })]));
    }, 30_000);

    test('with the lock turned off, the same burst makes one request per process', async () => {
      const route = slowRoute(300);
      const fleet = await start(4, { cacheFleet: { lock: false } });
      await Promise.all(fleet.map((worker) => worker.read(route.url, 50)));
      expect(route.gets()).toBeGreaterThanOrEqual(4);
    }, 30_000);

    test('after a write through A, no read of any variant of the URL in B, C or D answers with what was fetched before it', async () => {
      const route = slowRoute(0);
      const [a, ...others] = await start(4);
      const variants: Array<[string, Record<string, unknown>]> = [
        [`${route.url}?page=2`, {}],
        [route.url, { headers: { authorization: 'Bearer u1' }, cacheScope: 'user' }],
        [route.url, { headers: { accept: 'text/plain' } }],
      ];
      const n = (read: ReadResult) => (read.results[0].body as { n: number }).n;
      for (const worker of others) {
        for (const [url, options] of variants) {
          await worker.read(url, 1, options);
          const again = await worker.read(url, 1, options);
          expect(again.results[0].cacheStatus).toBe('hit');
        }
      }
      const fetchedBefore = route.gets();
      await a.ask({ type: 'write', url: route.url.replace(/\/items$/, '/items/7'), collectionUrl: route.url });
      for (const worker of others) {
        for (const [url, options] of variants) {
          // Fetched after the write: by this read, or by another process's read after the write.
          expect(n(await worker.read(url, 1, options))).toBeGreaterThan(fetchedBefore);
        }
      }
      // One upstream request per variant: the first process to read it after the write refreshes it for all.
      expect(route.gets() - fetchedBefore).toBe(variants.length);
    }, 30_000);

    test('a process whose clock runs 5 s fast neither keeps nor breaks invalidation', async () => {
      const route = slowRoute(0);
      const [fast, normal] = await start(2, {}, (index) => (index === 0 ? 5000 : 0));
      for (const [reader, writer] of [
        [fast, normal],
        [normal, fast],
      ]) {
        await reader.read(route.url);
        expect((await reader.read(route.url)).results[0].cacheStatus).toBe('hit');
        await writer.ask({ type: 'write', url: `${route.url}/1`, collectionUrl: route.url });
        expect((await reader.read(route.url)).results[0].cacheStatus).toBe('miss');
        // The writer takes the entry the reader stored after the write (found at once, or while waiting on
        // the reader's lease when its SET is still on the way): no request goes upstream for it.
        const upstream = route.gets();
        expect(['hit', 'shared']).toContain((await writer.read(route.url)).results[0].cacheStatus);
        expect(route.gets()).toBe(upstream);
      }
    }, 30_000);

    test('a lock holder killed mid-fetch delays the others by about a lease; every call settles from the network', async () => {
      const path = `/killed-${process.pid}-${++counter}/items`;
      let gets = 0;
      server.route(path, (_req, res) => {
        gets++;
        // The first fetch never answers (its process dies); later ones answer at once.
        if (gets > 1) sendJSON(res, { n: gets });
      });
      const url = server.url(path);
      const [holder, ...others] = await start(3, { cacheFleet: { lease: 300 } });
      const held = holder.read(url).catch(() => 'killed');
      while (gets === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const started = Date.now();
      const reads = others.map((worker) => worker.read(url, 10));
      holder.kill();
      const results = await Promise.all(reads);
      await held;
      for (const read of results) for (const result of read.results) expect(result.body).toEqual({ n: 2 });
      expect(gets).toBe(2);
      // Generous for a busy machine: well under the 2 s lockWait, so the lease lapsed and was taken over.
      expect(Date.now() - started).toBeLessThan(1900);
    }, 30_000);
  });
}

function nearCacheSuite(
  label: string,
  nodes: () => Array<{ host: string; port: number }>,
  client: 'redis' | 'ioredis',
) {
  describe(`${label}: near cache`, () => {
    let workers: Worker[] = [];
    afterEach(async () => {
      await Promise.all(workers.map((worker) => worker.exit()));
      workers = [];
    });

    test("after a write in A, B's near cache no longer serves the URL; a write made elsewhere ends at its TTL", async () => {
      const route = slowRoute(0, 'near');
      const prefix = runPrefix(`near-${client}`);
      workers = await startFleet(2, () => ({
        client,
        nodes: nodes(),
        config: { cachePrefix: prefix, nearCache: { ttl: 1 }, cacheTimeout: 2000 },
      }));
      const [a, b] = workers;
      await b.read(route.url);
      expect((await b.read(route.url)).results[0].cacheStatus).toBe('hit');
      expect((await b.ask<{ size: number }>({ type: 'nearSize' })).size).toBe(1);
      await a.ask({ type: 'write', url: `${route.url}/1`, collectionUrl: route.url });
      // Delivered by pub/sub: B drops the URL within a bounded time.
      for (let i = 0; i < 100 && (await b.ask<{ size: number }>({ type: 'nearSize' })).size > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await b.read(route.url)).results[0].cacheStatus).toBe('miss');

      // A write outside the package (no message): B's near copy answers until its 1 s TTL, then Redis says.
      expect((await b.read(route.url)).results[0].cacheStatus).toBe('hit');
      const redis = nodes().length > 1 ? new Redis.Cluster(nodes()) : new Redis(nodes()[0].port, nodes()[0].host);
      const base = route.url;
      const { generationKey } = await import('../../lib/cache/fleet');
      await redis.incr(generationKey(prefix, base).key);
      redis.disconnect();
      expect((await b.read(route.url)).results[0].cacheStatus).toBe('hit');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await b.read(route.url)).results[0].cacheStatus).toBe('miss');
    }, 30_000);
  });
}

describeWithRedis('many processes, one Redis (127.0.0.1:6379)', () => {
  const single = () => [{ host: '127.0.0.1', port: REDIS_PORT }];
  fleetSuite('redis (node-redis v5)', single, 'redis');
  fleetSuite('ioredis', single, 'ioredis');
  nearCacheSuite('redis (node-redis v5)', single, 'redis');
  nearCacheSuite('ioredis', single, 'ioredis');
});

describeWithRedis('many processes, a Redis stopped and restarted mid-run', () => {
  test.each(['redis', 'ioredis'] as const)(
    '%s: every read settles once, from the network while Redis is down',
    async (client) => {
      const own = new OwnRedis(await freePort());
      await own.start();
      const route = slowRoute(0, 'restart');
      const workers = await startFleet(2, () => ({
        client,
        nodes: [{ host: '127.0.0.1', port: own.port }],
        config: {
          cachePrefix: runPrefix(`restart-${client}`),
          cacheBreaker: { failures: 2, cooldown: 100 },
          onCacheError: () => {},
        },
      }));
      try {
        await Promise.all(workers.map((worker) => worker.read(route.url, 10)));
        const before = route.gets();
        await own.stop();
        const during = await Promise.all(workers.map((worker) => worker.read(route.url, 10)));
        // Each of the 20 reads settled once, with a body (from the network: the cache is down).
        expect(during.flatMap((read) => read.results)).toHaveLength(20);
        for (const read of during)
          for (const result of read.results) expect(result.body).toMatchObject({ n: expect.any(Number) });
        expect(route.gets()).toBeGreaterThan(before);
        await own.start();
        // Back: within a few tries a read is stored and the next one in the other process is a hit.
        let hit = false;
        for (let i = 0; i < 50 && !hit; i++) {
          await workers[0].read(route.url);
          hit = (await workers[1].read(route.url)).results[0].cacheStatus === 'hit';
          if (!hit) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(hit).toBe(true);
      } finally {
        await Promise.all(workers.map((worker) => worker.exit()));
        await own.stop();
      }
    },
    60_000,
  );
});

describe('many processes, one Redis Cluster of three masters (started by this suite)', () => {
  const cluster = new LocalRedisCluster();
  let available = true;
  beforeAll(async () => {
    available = await canStartCluster();
    if (available) await cluster.start();
    else if (process.env.CI === 'true') throw new Error('redis-server and redis-cli are needed under CI');
  }, 60_000);
  afterAll(() => cluster.stop());

  const nodes = () => {
    if (!available) throw new Error('no redis-server/redis-cli on this machine');
    return cluster.nodes;
  };
  fleetSuite('redis createCluster', nodes, 'redis');
  fleetSuite('ioredis Cluster', nodes, 'ioredis');
  nearCacheSuite('ioredis Cluster', nodes, 'ioredis');
});
