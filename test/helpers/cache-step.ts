import type { CacheStore, SyncInstance, SyncOptions } from '../../lib/index';
import { sendJSON, TestServer } from './test-server';

/** The cache step's suites: one real server per suite file, a fresh path per route, spy stores. */
export function cacheTestServer() {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());
  let counter = 0;
  return {
    get server() {
      return server;
    },
    /** A number no other route of this suite has. */
    next: () => ++counter,
    /** A fresh path per test, answering JSON that counts its hits. */
    route(body: (n: number) => unknown = (n) => ({ n }), headers = {}, status = 200) {
      const path = `/r${++counter}`;
      let hits = 0;
      server.route(path, (_req, res) => sendJSON(res, body(++hits), status, headers));
      return { url: server.url(path), hits: () => hits };
    },
  };
}

/** Records what the cache step did for each call, from a step outside it. */
export function outcomes(sync: SyncInstance): Array<{ cache: unknown; fromCache: unknown }> {
  const seen: Array<{ cache: unknown; fromCache: unknown }> = [];
  sync.use('record', async (ctx, next) => {
    await next();
    seen.push({ cache: ctx.state.cache, fromCache: ctx.response?.fromCache });
  });
  return seen;
}

export function read(sync: SyncInstance, url: string, options: SyncOptions = {}) {
  return sync('read', { url }, { cache: true, ...options });
}

/** A CacheStore that records every set (key and TTL). */
export function spyStore(): CacheStore & { data: Map<string, string>; sets: Array<[string, number]> } {
  const data = new Map<string, string>();
  const sets: Array<[string, number]> = [];
  return {
    data,
    sets,
    get: async (key) => data.get(key),
    set: async (key, value, ttl) => {
      sets.push([key, ttl]);
      data.set(key, value);
    },
    delete: async (key) => data.delete(key),
  };
}
