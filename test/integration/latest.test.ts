import type { ServerResponse } from 'node:http';
import { latest } from '../../middleware/index';
import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
/**
 * `/search?q=N`: answers `[{ id: N }]` after (10 - N) × 30 ms, so the first asked answers last. Records, per
 * query, whether the client closed the connection before the answer was sent.
 */
function searchRoute() {
  const path = `/search-${++counter}`;
  const closedEarly = new Set<number>();
  const answered = new Set<number>();
  server.route(path, (req, res: ServerResponse) => {
    const q = Number(req.query.get('q'));
    const timer = setTimeout(
      () => {
        answered.add(q);
        sendJSON(res, [{ id: q, q }]);
      },
      (10 - q) * 30,
    );
    res.on('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        closedEarly.add(q);
      }
    });
  });
  return { url: server.url(path), closedEarly, answered };
}

async function tenSearches(useStep: boolean, perCall: Record<string, unknown>) {
  const route = searchRoute();
  const { Collection, sync } = backboneWith({}, route.url);
  if (useStep) sync.use(latest());
  const results = new Collection();
  const events = recordEvents(results);
  const outcomes: string[] = [];
  const calls: Array<Promise<void>> = [];
  for (let q = 0; q < 10; q++) {
    const seen = server.requests.length;
    calls.push(
      results
        .fetch({ data: { q }, ...perCall })
        .then(
          () => 'success',
          (error: { textStatus: string }) => error.textStatus,
        )
        .then((outcome: string) => void (outcomes[q] = outcome)),
    );
    // Each query reaches the server before the next is typed, as a search box's do.
    while (server.requests.length === seen) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(calls);
  return { route, results, events, outcomes };
}

describe('latest-wins fetches against a real server', () => {
  test.each([
    ['the latest() step', true, {}],
    ['latest: true per call, no step', false, { latest: true }],
  ])(
    '%s: ten fetches with reversed delays leave the last one’s data; nine abort and touch nothing',
    async (_name, useStep, perCall) => {
      const { route, results, events, outcomes } = await tenSearches(useStep, perCall);
      expect(results.toJSON()).toEqual([{ id: 9, q: 9 }]);
      expect(outcomes).toEqual([...Array(9).fill('abort'), 'success']);
      // Only the last call reached the collection: one add, one sync.
      expect(events.filter(([name]) => name === 'add')).toHaveLength(1);
      expect(events.filter(([name]) => name === 'sync')).toHaveLength(1);
      // The server saw the nine aborted requests' connections closed before it answered.
      for (let i = 0; i < 100 && route.closedEarly.size < 9; i++) await new Promise((r) => setTimeout(r, 10));
      expect([...route.closedEarly].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    },
  );

  test('without it, the last answer to arrive wins: the first query’s results (the bug it fixes)', async () => {
    const { results, outcomes } = await tenSearches(false, {});
    expect(outcomes).toEqual(Array(10).fill('success'));
    expect(results.toJSON()).toEqual([{ id: 0, q: 0 }]);
  });

  test('latest: false opts a call out of the step; other models are not affected', async () => {
    const route = searchRoute();
    const { Collection, sync } = backboneWith({}, route.url);
    sync.use(latest());
    const a = new Collection();
    const b = new Collection();
    const first = a.fetch({ data: { q: 1 } });
    const other = b.fetch({ data: { q: 2 } });
    const kept = a.fetch({ data: { q: 3 }, latest: false });
    await expect(Promise.all([first, other, kept])).resolves.toHaveLength(3);
  });

  test('abortOnDestroy: destroying a model aborts its fetch in flight; abortOnReset: a reset aborts the collection’s', async () => {
    const route = searchRoute();
    const { Model, Collection, sync } = backboneWith({}, route.url);
    sync.use(latest({ abortOnDestroy: true, abortOnReset: true }));
    const model = new Model();
    model.url = `${route.url}?q=1`;
    const fetching = model.fetch().catch((error: { textStatus: string }) => error.textStatus);
    model.trigger('destroy', model, model.collection, {});
    await expect(fetching).resolves.toBe('abort');
    expect(model.toJSON()).toEqual({});

    const collection = new Collection();
    const loading = collection.fetch({ data: { q: 1 } }).catch((error: { textStatus: string }) => error.textStatus);
    collection.reset([{ id: 'local' }]);
    await expect(loading).resolves.toBe('abort');
    expect(collection.toJSON()).toEqual([{ id: 'local' }]);
  });

  test('bad options throw at setup', () => {
    expect(() => latest(null as never)).toThrow('latest() takes an options object');
    expect(() => latest({ abortOnDestroy: 'yes' as never })).toThrow('latest(): abortOnDestroy must be true or false');
  });
});
