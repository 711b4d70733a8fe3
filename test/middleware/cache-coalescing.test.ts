import { createSync, SyncError } from '../../lib/index';
import { cacheTestServer, outcomes, read } from '../helpers/cache-step';
import { sendJSON } from '../helpers/test-server';

const api = cacheTestServer();
const route = api.route;

describe('cache step: coalesced misses', () => {
  test('50 concurrent cold reads make one upstream request; each caller gets its own body', async () => {
    const sync = createSync();
    const seen = outcomes(sync);
    const r = route(() => ({ list: [1, 2, 3] }));
    const bodies = (await Promise.all(Array.from({ length: 50 }, () => read(sync, r.url)))) as Array<{
      list: number[];
    }>;
    expect(r.hits()).toBe(1);
    expect(new Set(bodies).size).toBe(50);
    bodies[0].list.push(4);
    expect(bodies[1]).toEqual({ list: [1, 2, 3] });
    expect(seen.filter((s) => s.cache === 'miss')).toHaveLength(1);
    expect(seen.filter((s) => s.cache === 'shared')).toHaveLength(49);
  });

  test('when the shared request fails every waiter fails, and the next call tries again', async () => {
    const sync = createSync();
    const r = route(undefined, {}, 503);
    const outcomesOf = await Promise.allSettled(
      Array.from({ length: 10 }, () => read(sync, r.url, { error: () => {} })),
    );
    expect(r.hits()).toBe(1);
    expect(outcomesOf.every((o) => o.status === 'rejected' && (o.reason as SyncError).status === 503)).toBe(true);
    // Each caller has its own error, and its own parsed error body.
    const errors = outcomesOf.map((o) => (o as PromiseRejectedResult).reason as SyncError);
    expect(new Set(errors).size).toBe(10);
    expect(new Set(errors.map((e) => e.responseJSON)).size).toBe(10);
    expect(errors[3].responseJSON).toEqual(errors[0].responseJSON);
    await read(sync, r.url, { error: () => {} }).catch(() => {});
    expect(r.hits()).toBe(2);
  });

  test('when the leader is aborted the others still get an answer', async () => {
    const sync = createSync();
    const path = `/slow${api.next()}`;
    let hits = 0;
    api.server.route(path, (_req, res) => {
      hits++;
      setTimeout(() => sendJSON(res, { hits }), 50);
    });
    const url = api.server.url(path);
    const leader = read(sync, url, { error: () => {} });
    const followers = [read(sync, url), read(sync, url)];
    while (hits === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    leader.abort(); // while its request is on the wire
    await expect(leader).rejects.toMatchObject({ textStatus: 'abort' });
    const bodies = await Promise.all(followers);
    expect(bodies[0]).toEqual({ hits: 1 });
    expect(bodies[1]).toEqual({ hits: 1 });
    expect(bodies[0]).not.toBe(bodies[1]);
    // The request went on for the followers (it runs on the shared signal, not the leader's)...
    expect(hits).toBe(1);
    // ...and its answer was stored although the leader that started it had left.
    await expect(read(sync, url)).resolves.toEqual({ hits: 1 });
    expect(hits).toBe(1);
  });

  test('when every caller of a cold key aborts, the shared request is aborted too', async () => {
    const sync = createSync();
    const path = `/hang${api.next()}`;
    let closed = false;
    let hits = 0;
    api.server.route(path, (_req, res) => {
      hits++;
      res.on('close', () => (closed = true));
    });
    const url = api.server.url(path);
    const callers = [read(sync, url, { error: () => {} }), read(sync, url, { error: () => {} })];
    while (hits === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const caller of callers) caller.abort();
    await Promise.allSettled(callers);
    for (let i = 0; i < 200 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
    expect(hits).toBe(1);
  });

  test('private (bypassing) reads are never coalesced with others', async () => {
    const sync = createSync();
    const r = route();
    await Promise.all([
      read(sync, r.url, { headers: { authorization: 'A' } }),
      read(sync, r.url, { headers: { authorization: 'B' } }),
    ]);
    expect(r.hits()).toBe(2);
  });
});
