import { createSync, memoryStore } from '../../lib/index';
import type { SyncConfig } from '../../lib/index';
import { backboneWith } from '../helpers/backbone';
import { cacheTestServer, read, spyStore } from '../helpers/cache-step';
import { sendJSON } from '../helpers/test-server';

const api = cacheTestServer();
const route = api.route;

describe('cache step: invalidation', () => {
  function library() {
    const books = new Map<string, Record<string, unknown>>([['1', { id: 1, title: 'Dune' }]]);
    const path = `/books${api.next()}`;
    let gets = 0;
    api.server.route(path, (req, res) => {
      if (req.method === 'GET') gets++;
      if (req.method === 'POST') {
        const book = { ...JSON.parse(req.body), id: books.size + 1 };
        books.set(String(book.id), book);
        return sendJSON(res, book, 201);
      }
      sendJSON(res, [...books.values()]);
    });
    api.server.route(`${path}/1`, (req, res) => {
      if (req.method === 'GET') gets++;
      if (req.method === 'PUT' || req.method === 'PATCH')
        books.set('1', { ...books.get('1'), ...JSON.parse(req.body) });
      if (req.method === 'DELETE') {
        books.delete('1');
        return sendJSON(res, undefined, 204);
      }
      sendJSON(res, books.get('1'));
    });
    return { root: api.server.url(path), gets: () => gets };
  }

  test.each(['save', 'patch', 'destroy', 'create'])(
    'a successful %s forgets the cached model and collection (every query on it)',
    async (write) => {
      const lib = library();
      const { Model, Collection } = backboneWith({}, lib.root);
      const books = new Collection();
      await books.fetch({ cache: true } as never);
      await books.fetch({ cache: true, data: { page: 2 } } as never);
      const book = new Model({ id: 1 });
      await book.fetch({ cache: true } as never);
      await books.fetch({ cache: true } as never);
      await book.fetch({ cache: true } as never);
      expect(lib.gets()).toBe(3);

      const target = books.get(1)!;
      if (write === 'save') await target.save({ title: 'Dune Messiah' });
      if (write === 'patch') await target.save({ title: 'Dune Messiah' }, { patch: true });
      if (write === 'destroy') await target.destroy();
      if (write === 'create') await new Promise((resolve) => books.create({ title: 'Emma' }, { success: resolve }));

      await books.fetch({ cache: true } as never);
      await books.fetch({ cache: true, data: { page: 2 } } as never);
      if (write !== 'destroy') await book.fetch({ cache: true } as never);
      // A create leaves /books/1 alone; a destroy leaves nothing to fetch there.
      expect(lib.gets()).toBe(write === 'destroy' || write === 'create' ? 5 : 6);
      if (write === 'save' || write === 'patch') expect(book.get('title')).toBe('Dune Messiah');
    },
  );

  test('a failed write forgets nothing', async () => {
    const sync = createSync();
    const r = route();
    await read(sync, r.url);
    const failing = route(undefined, {}, 500);
    await sync('update', { url: failing.url, toJSON: () => ({}) }, { error: () => {} }).catch(() => {});
    await read(sync, r.url);
    expect(r.hits()).toBe(1);
  });

  test('sync.cache.invalidate(url) and sync.cache.clear()', async () => {
    const sync = createSync();
    const a = route();
    const b = route();
    await Promise.all([read(sync, a.url), read(sync, `${a.url}?q=1`), read(sync, b.url)]);
    await sync.cache.invalidate(a.url);
    await Promise.all([read(sync, a.url), read(sync, `${a.url}?q=1`), read(sync, b.url)]);
    expect([a.hits(), b.hits()]).toEqual([4, 1]);
    await sync.cache.clear();
    await Promise.all([read(sync, a.url), read(sync, b.url)]);
    expect([a.hits(), b.hits()]).toEqual([5, 2]);
  });

  test('invalidation deletes what other processes stored under the plain key', async () => {
    const store = spyStore();
    const writer = createSync({ cacheClient: store });
    const other = createSync({ cacheClient: { ...store } }); // another "process": its own state, same data
    const r = route();
    await read(other, r.url);
    expect(store.data.size).toBe(1);
    await writer('update', { url: r.url, toJSON: () => ({}) }, {});
    expect(store.data.size).toBe(0);
  });
});

describe('cache step: instances', () => {
  test('extend(): the child shares the default memory store, has its own cache API bound to itself', async () => {
    const parent = createSync();
    const child = parent.extend();
    expect(child.cache).not.toBe(parent.cache);
    const r = route();
    await read(parent, r.url);
    await read(child, r.url);
    expect(r.hits()).toBe(1);
    await child.cache.invalidate(r.url);
    await read(parent, r.url);
    expect(r.hits()).toBe(2);

    const store = spyStore();
    const own = parent.extend({ cacheClient: store });
    await read(own, r.url);
    expect(store.sets).toHaveLength(1);
  });

  test('sync.cache does not collide with the step or the config', () => {
    const sync = createSync();
    expect(sync.steps()).toContain('cache');
    expect(typeof sync.cache.invalidate).toBe('function');
    expect(() => createSync({ cache: true } as SyncConfig)).toThrow(/Unknown sync option "cache"/);
  });

  test('bad cache configuration is a TypeError at setup', () => {
    expect(() => createSync({ cacheClient: { get: () => 1 } })).toThrow(/cacheClient must be/);
    expect(() => {
      createSync().cacheClient = 'redis://localhost';
    }).toThrow(TypeError);
    expect(() => createSync({ cacheTimeout: 0 })).toThrow(/cacheTimeout/);
    expect(() => createSync({ cacheKey: 'k' as never })).toThrow(/cacheKey must be a function/);
    expect(() => createSync({ cacheIgnoreHeaders: 'x-request-id' as never })).toThrow(/cacheIgnoreHeaders/);
    expect(() => createSync({ cacheGrace: -1 })).toThrow(/cacheGrace/);
    expect(() => createSync({ defaultCacheTime: 'forever' as never })).toThrow(/defaultCacheTime/);
    expect(() => createSync({ cacheMaxEntryBytes: 1.5 })).toThrow(/cacheMaxEntryBytes/);
    expect(() => createSync({ cacheBreaker: { failures: 0 } })).toThrow(/cacheBreaker.failures/);
    expect(() => createSync({ onCacheError: 'warn' as never })).toThrow(/onCacheError/);
    expect(() => createSync({ cacheUserSecret: 'short' })).toThrow(/cacheUserSecret/);
  });

  test('memoryStore() as cacheClient, and a bad cacheTime fails the call', async () => {
    const store = memoryStore({ max: 10 });
    const sync = createSync({ cacheClient: store });
    const r = route();
    await read(sync, r.url);
    expect(store.size).toBe(1);
    await expect(read(sync, r.url, { cacheTime: 'long' as never, error: () => {} })).rejects.toThrow(
      /cacheTime must be/,
    );
  });
});
