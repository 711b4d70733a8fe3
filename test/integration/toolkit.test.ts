import type { ServerResponse } from 'node:http';
import { createSync, type Middleware, type SyncResponse } from '../../lib/index';
// Only the package's public middleware entry: what a step written outside the package can use.
import {
  abortReason,
  copyError,
  copyResponse,
  credentialHash,
  defineConfig,
  defineInstanceApi,
  InFlight,
  requestKey,
  runShared,
  SyncError,
  type ConfigTable,
} from '../../middleware/index';
import { sendJSON, TestServer } from '../helpers/test-server';
import { until } from '../helpers/wait';

/** A third party's version of dedupe(): identical reads in flight share one request. */
function sharedReads(): Middleware {
  const inFlight = new InFlight<SyncResponse>();
  const step: Middleware = async function sharedReads(ctx, next) {
    if (ctx.request.method !== 'GET') return next();
    const key = requestKey(ctx, { prefix: 'shared:' }) + (credentialHash(ctx) ?? '');
    const ticket = inFlight.join(key, (signal) => runShared(ctx, next, signal));
    try {
      ctx.response = copyResponse(await ticket.wait(ctx));
    } catch (error) {
      throw !ticket.leader && error instanceof SyncError && abortReason(ctx) !== error ? copyError(error) : error;
    }
  };
  step.order = { after: ['parse'], reason: 'each caller parses its own copy' };
  step.reentrant = true;
  return step;
}

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

let counter = 0;
function heldRoute() {
  const path = `/toolkit-${++counter}`;
  const held: ServerResponse[] = [];
  server.route(path, (_req, res) => void held.push(res));
  const count = () => server.requests.filter((request) => request.path === path).length;
  return { url: server.url(path), held, count };
}

describe('a shared-request step built on the public toolkit only passes the exactly-once tests of dedupe()', () => {
  test('20 identical reads: one request, each caller its own body, one success callback each', async () => {
    const route = heldRoute();
    const sync = createSync().use(sharedReads());
    const successes: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) =>
      sync('read', { url: route.url }, { success: () => successes.push(i) }),
    );
    await until(() => route.held.length === 1);
    sendJSON(route.held[0], { tags: ['a'] });
    const bodies = (await Promise.all(calls)) as Array<{ tags: string[] }>;
    expect(route.count()).toBe(1);
    expect(successes.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    bodies[0].tags.push('changed');
    expect(bodies[1]).toEqual({ tags: ['a'] });
  });

  test("one caller's abort ends its call only; a failure reaches every caller once, each with its own error", async () => {
    const route = heldRoute();
    const sync = createSync().use(sharedReads());
    const aborted = sync('read', { url: route.url });
    const kept = sync('read', { url: route.url });
    await until(() => route.held.length === 1);
    aborted.abort();
    await expect(aborted).rejects.toMatchObject({ textStatus: 'abort' });
    sendJSON(route.held[0], { ok: true });
    await expect(kept).resolves.toEqual({ ok: true });

    const failing = heldRoute();
    const errors = Array.from({ length: 3 }, () =>
      sync('read', { url: failing.url }).catch((error: SyncError) => error),
    );
    await until(() => failing.held.length === 1);
    sendJSON(failing.held[0], { error: 'down' }, 503);
    const failures = await Promise.all(errors);
    expect(failures.map((error) => (error as SyncError).status)).toEqual([503, 503, 503]);
    expect(new Set(failures).size).toBe(3);
    // The next read starts afresh.
    const again = sync('read', { url: failing.url });
    await until(() => failing.held.length === 2);
    sendJSON(failing.held[1], { back: true });
    await expect(again).resolves.toEqual({ back: true });
  });

  test('two users never share: credentials are part of the key', async () => {
    const route = heldRoute();
    const sync = createSync().use(sharedReads());
    const alice = sync('read', { url: route.url }, { headers: { authorization: 'Bearer alice' } });
    const bob = sync('read', { url: route.url }, { headers: { authorization: 'Bearer bob' } });
    await until(() => route.held.length === 2);
    sendJSON(route.held[0], { who: 1 });
    sendJSON(route.held[1], { who: 2 });
    await Promise.all([alice, bob]);
    expect(route.count()).toBe(2);
  });

  test('the shared request runs on a detached context made by the core: no caller’s callbacks, handle or abort', async () => {
    const route = heldRoute();
    const seen: Array<{ success: unknown; xhr: unknown; deadline: number }> = [];
    const inner: Middleware = (ctx, next) => {
      seen.push({ success: ctx.options.success, xhr: ctx.xhr, deadline: ctx.deadline });
      return next();
    };
    inner.order = { after: ['sharedReads'], reason: 'it looks at the shared request' };
    const sync = createSync({ timeout: 5000 }).use(sharedReads()).use('inner', inner, { after: 'sharedReads' });
    const first = sync('read', { url: route.url }, { success: () => {} });
    await until(() => route.held.length === 1);
    sendJSON(route.held[0], { ok: true });
    await first;
    expect(seen).toHaveLength(1);
    expect(seen[0].success).toBeUndefined();
    expect(seen[0].xhr).not.toBe(first);
    expect(seen[0].deadline).toBe(Infinity);
  });
});

describe('a module outside the package declares its own settings and instance API through the toolkit', () => {
  // What a third-party "metrics" module would ship: a step, a config key of its own and `sync.metrics`.
  interface MetricsConfig {
    metricsLabel?: string;
  }
  const table: ConfigTable<MetricsConfig> = {
    metricsLabel: {
      default: () => 'app',
      check: (value) => (typeof value === 'string' && value !== '' ? undefined : 'metricsLabel must be a name'),
      normalize: (label) => label.toLowerCase(),
      defaultText: "`'app'`",
      doc: 'label of the counters',
    },
  };
  const counts = new WeakMap<object, number>();
  function metrics(): Middleware {
    return async function metrics(ctx, next) {
      counts.set(ctx.sync, (counts.get(ctx.sync) ?? 0) + 1);
      await next();
    };
  }
  beforeAll(() => {
    defineConfig(table, { step: 'metrics' });
    defineInstanceApi('metrics', {
      step: 'metrics',
      create: (sync) => ({
        label: () => (sync as unknown as MetricsConfig).metricsLabel,
        calls: () => counts.get(sync),
      }),
    });
  });
  type WithMetrics = ReturnType<typeof createSync> &
    MetricsConfig & { metrics?: { label(): string; calls(): number | undefined } };

  test('createSync, extend and assignment check its key; the API comes and goes with its step', async () => {
    server.route('/metrics', (_req, res) => sendJSON(res, { ok: true }));
    expect(() => createSync({ metricsLabel: '' } as object)).toThrow('metricsLabel must be a name');
    const sync = createSync({ metricsLabel: 'Shop' } as object) as WithMetrics;
    expect('metricsLabel' in sync).toBe(false);
    expect(sync.metrics).toBeUndefined();

    sync.use('metrics', metrics());
    expect(sync.metricsLabel).toBe('shop');
    await sync('read', { url: server.url('/metrics') });
    expect(sync.metrics!.calls()).toBe(1);
    expect(() => {
      sync.metricsLabel = '';
    }).toThrow('metricsLabel must be a name');

    const child = sync.extend({ metricsLabel: 'Child' } as object) as WithMetrics;
    expect(child.metrics!.label()).toBe('child');
    sync.remove('metrics');
    expect([sync.metrics, 'metricsLabel' in sync]).toEqual([undefined, false]);
    expect(() => defineConfig(table)).toThrow('declared twice');
  });
});
