import http from 'node:http';
import net from 'node:net';
import Backbone from 'backbone';
import superagent from 'superagent';
import type { Middleware, SyncConfig, SyncInstance } from '../lib/index';
import type { Call } from './measure';
import { createSync, lib, runtime } from './package';
import { ARTWORK } from './server';

// backbone-super-sync 1.1.1 under an npm alias: plain JavaScript, no types.
const legacySync = require('legacy-super-sync') as (method: string, model: unknown, options: unknown) => unknown;

export interface RowContext {
  origin: string;
  /** Requests the local server has seen so far (to prove that cache hits are hits). */
  serverRequests(): number;
}

/** A row ready to run: its call, and what to close when the run is over. */
export interface ReadyRow {
  call: Call;
  close?: () => Promise<void> | void;
  /** True when the server must see no request while the row runs (cache hits). */
  expectsNoRequests?: boolean;
}

export interface RowDefinition {
  id: string;
  label: string;
  /** A ready row, or the reason the row cannot run here (reported as n/a, never as a number). */
  setup(context: RowContext): Promise<ReadyRow | string>;
}

const PATH = '/items/mona-lisa';
const KEEP_ALIVE = { keepAlive: true, maxSockets: 256 };

/** A Backbone model class on `sync`; every call fetches a new model, as a server-side render does. */
function modelOn(sync: unknown, origin: string, id = 'mona-lisa', collection = 'items') {
  const Model = Backbone.Model.extend({ urlRoot: `${origin}/${collection}`, sync });
  return (options?: Record<string, unknown>) => new Model({ id }).fetch(options);
}

function passThrough(): Middleware {
  return function passThrough(_ctx, next) {
    return next();
  };
}

/** What the running build exports: the cache step is a separate issue, and may not be merged yet. */
export function cacheAvailable(): boolean {
  return typeof (lib as unknown as Record<string, unknown>).memoryStore === 'function';
}

export const CACHE_NA = 'n/a (cache step not available)';

/** True when something accepts TCP connections on 127.0.0.1:6379 within 300 ms. */
export function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(6379, '127.0.0.1');
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function cacheHitRow(origin: string, sync: SyncInstance, id: string, close?: () => Promise<void>) {
  const fetch = modelOn(sync, origin, id);
  await fetch({ cache: true }); // the one miss that fills the cache
  return { call: () => fetch({ cache: true }), expectsNoRequests: true, close };
}

/** Cache hits through the local Redis (`redis` client), under a key of this run only: other programs share it. */
async function redisHitRow(origin: string, label: string, config: SyncConfig): Promise<ReadyRow | string> {
  if (!cacheAvailable()) return CACHE_NA;
  if (!(await redisAnswers())) return 'n/a (no Redis on 127.0.0.1:6379)';
  const { createClient } = await import('redis');
  const client = createClient({ socket: { host: '127.0.0.1', port: 6379, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  const sync = createSync({ ...config, cacheClient: client });
  return cacheHitRow(origin, sync, `bench-${label}-${process.pid}-${Date.now()}`, async () => {
    await sync.cache.close();
    await client.quit();
  });
}

/** Reads of one entry kept past its freshness (`cacheGrace`), from the server's `collection` path. */
async function staleEntryRow(origin: string, collection: 'etag' | 'flaky'): Promise<ReadyRow | string> {
  if (!cacheAvailable()) return CACHE_NA;
  const fetch = modelOn(
    createSync({ defaultCacheTime: 'http', cacheGrace: 3600 }),
    origin,
    `${collection}${process.pid}`,
    collection,
  );
  await fetch({ cache: true });
  return { call: () => fetch({ cache: true }) };
}

export const ROWS: RowDefinition[] = [
  {
    id: '1',
    label: 'node:http + keep-alive + JSON.parse (floor)',
    async setup({ origin }) {
      const agent = new http.Agent(KEEP_ALIVE);
      const url = origin + PATH;
      const call = () =>
        new Promise<unknown>((resolve, reject) => {
          http
            .get(url, { agent }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () => {
                if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
                else resolve(JSON.parse(text));
              });
              res.on('error', reject);
            })
            .on('error', reject);
        });
      return { call, close: () => agent.destroy() };
    },
  },
  {
    id: '2',
    label: 'superagent + keep-alive',
    async setup({ origin }) {
      const agent = new http.Agent(KEEP_ALIVE);
      const url = origin + PATH;
      return {
        call: () =>
          superagent
            .get(url)
            .agent(agent)
            .then((res) => res.body),
        close: () => agent.destroy(),
      };
    },
  },
  {
    id: '2t',
    label: 'superagent set up as the transport sets it, called directly',
    async setup({ origin }) {
      // The transport's own settings, without the stack: what superagent itself costs here.
      const agent = new http.Agent(KEEP_ALIVE);
      const url = origin + PATH;
      const call = () =>
        new Promise<unknown>((resolve, reject) => {
          const req = superagent('GET', url)
            .set({ accept: 'application/json' })
            .ok(() => true)
            .parse(superagent.parse.text as never)
            .buffer(true)
            .redirects(5)
            .maxResponseSize(10 * 1024 * 1024)
            .agent(agent);
          req.on('redirect', () => {});
          req.on('request', () => {});
          req.end((error, res) => (error ? reject(error) : resolve(JSON.parse(res.text))));
        });
      return { call, close: () => agent.destroy() };
    },
  },
  {
    id: '2m',
    label: 'minimal superagent sync, model.fetch()',
    async setup({ origin }) {
      // The least a superagent Backbone.sync can do: the yardstick of the default stack (row 4).
      const agent = new http.Agent(KEEP_ALIVE);
      const minimalSync = (_method: string, model: { url(): string }, options: { success(body: unknown): void }) =>
        superagent
          .get(model.url())
          .agent(agent)
          .timeout(10000)
          .then((res) => options.success(res.body));
      return { call: modelOn(minimalSync, origin), close: () => agent.destroy() };
    },
  },
  {
    id: '3',
    label: 'backbone-super-sync 1.1.1, model.fetch()',
    async setup({ origin }) {
      // 1.1.1 sends through superagent without an agent, so each request opens a connection.
      return { call: modelOn(legacySync, origin), close: () => http.globalAgent.destroy() };
    },
  },
  {
    id: '4',
    label: 'v2 default stack, model.fetch()',
    async setup({ origin }) {
      return { call: modelOn(createSync(), origin), close: () => runtime.defaultAgent(origin).destroy() };
    },
  },
  {
    id: '4d',
    label: 'v2 default stack, sync() called directly (no Backbone)',
    async setup({ origin }) {
      const sync = createSync();
      const model = { url: origin + PATH };
      return { call: () => sync('read', model, {}), close: () => runtime.defaultAgent(origin).destroy() };
    },
  },
  {
    id: '5',
    label: 'v2 + 5 pass-through middleware',
    async setup({ origin }) {
      const sync = createSync();
      for (let i = 1; i <= 5; i++) sync.use(`pass-${i}`, passThrough());
      return { call: modelOn(sync, origin), close: () => runtime.defaultAgent(origin).destroy() };
    },
  },
  {
    id: '6a',
    label: 'v2 cache: true hits, memory store',
    async setup({ origin }) {
      if (!cacheAvailable()) return CACHE_NA;
      return cacheHitRow(origin, createSync(), `bench-memory-${process.pid}`);
    },
  },
  {
    id: '6b',
    label: 'v2 cache: true hits, Redis (redis client)',
    setup: ({ origin }) => redisHitRow(origin, 'redis', {}),
  },
  {
    id: '6n',
    label: 'v2 cache: true hits, near cache in front of Redis',
    setup: ({ origin }) => redisHitRow(origin, 'near', { nearCache: { ttl: 60 } }),
  },
  {
    id: '6r',
    label: 'v2 cache: stale entry revalidated by a 304, memory store',
    // Always stale (max-age=0) with an ETag: every call sends If-None-Match and answers from the entry.
    setup: ({ origin }) => staleEntryRow(origin, 'etag'),
  },
  {
    id: '6s',
    label: 'v2 cache: stale-if-error answer (the server says 503), memory store',
    // The first request of a /flaky/ path is a 200 with max-age=0; every later one a 503.
    setup: ({ origin }) => staleEntryRow(origin, 'flaky'),
  },
  {
    id: '7',
    label: 'ceiling: model.fetch(), sync answers at once',
    async setup({ origin }) {
      // What Backbone itself costs: the body is already parsed and the sync answers synchronously.
      const body = structuredClone(ARTWORK);
      const instantSync = (_method: string, _model: unknown, options: { success?: (data: unknown) => void }) => {
        options.success?.(body);
        return Promise.resolve(body);
      };
      return { call: modelOn(instantSync, origin) };
    },
  },
];
