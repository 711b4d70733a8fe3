import Backbone from 'backbone';
import { createSync, SyncError } from '../../lib/index';
import { retry } from '../../middleware/index';
import type { RetryOptions } from '../../middleware/index';
import { fakeContext } from '../helpers/fake-context';
import { TestServer, sendJSON } from '../helpers/test-server';

function httpError(status: number, headers: Record<string, string> = {}, responseJSON?: unknown) {
  return new SyncError('ERR_HTTP', `HTTP ${status}`, { status, headers, responseJSON });
}
const networkError = () => new SyncError('ERR_NETWORK', 'connect ECONNREFUSED');

/** A `next` that fails with each of `failures` in turn, then succeeds. */
function failing(ctx: ReturnType<typeof fakeContext>, ...failures: SyncError[]) {
  return jest.fn(async () => {
    const failure = failures.shift();
    if (failure) throw failure;
    ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '{}', body: {}, fromCache: false };
  });
}

describe('retry() options', () => {
  test.each<[RetryOptions, RegExp]>([
    [{ retries: -1 }, /retries must be an integer >= 0/],
    [{ retries: 1.5 }, /retries must be an integer >= 0/],
    [{ methods: ['get' as never] }, /methods must be an array of create, read/],
    [{ statuses: [700] }, /statuses must be an array of HTTP status codes/],
    [{ minDelay: -1 }, /minDelay must be a number of ms/],
    [{ maxDelay: Infinity }, /maxDelay must be a number of ms/],
    [{ minDelay: 500, maxDelay: 100 }, /minDelay \(500\) is above maxDelay \(100\)/],
    [{ jitter: 'full' as never }, /jitter must be true or false/],
    [{ maxRetryAfter: '5s' as never }, /maxRetryAfter must be a number of ms/],
    [{ shouldRetry: true as never }, /shouldRetry must be a function/],
  ])('%p throws a TypeError at setup', (options, message) => {
    expect(() => retry(options)).toThrow(TypeError);
    expect(() => retry(options)).toThrow(message);
  });

  test('declares its place: inside timeout, outside parse', () => {
    expect(retry().order).toMatchObject({ after: ['timeout'], before: ['parse'] });
    expect(createSync().use(retry()).steps()).toEqual(['timeout', 'headers', 'retry', 'cache', 'parse', 'transport']);
  });
});

describe('retry() with fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  test('retries network errors and listed statuses with doubling waits, counting attempts in ctx.state', async () => {
    const ctx = fakeContext();
    const next = failing(ctx, networkError(), httpError(503));
    const done = retry({ jitter: false, minDelay: 100 })(ctx, next);
    expect(next).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(next).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(next).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(next).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(next).toHaveBeenCalledTimes(3);
    expect(ctx.state).toMatchObject({ attempts: 3, retries: 2 });
    expect(ctx.response?.status).toBe(200);
  });

  test('gives up after `retries` with the last error', async () => {
    const ctx = fakeContext();
    const last = httpError(502);
    const next = failing(ctx, httpError(500), httpError(503), last);
    const done = retry({ retries: 2, jitter: false, minDelay: 10 })(ctx, next);
    const outcome = expect(done).rejects.toBe(last);
    await jest.advanceTimersByTimeAsync(1000);
    await outcome;
    expect(next).toHaveBeenCalledTimes(3);
    expect(ctx.state.retries).toBe(2);
  });

  test('full jitter: each wait lies between minDelay and min(maxDelay, minDelay * 2^n)', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const ctx = fakeContext();
    const next = failing(ctx, httpError(503), httpError(503), httpError(503));
    const done = retry({ retries: 3, minDelay: 100, maxDelay: 300 })(ctx, next);
    // Retry 1: 100 + 0.99 * (200 - 100) = 199 ms.
    await jest.advanceTimersByTimeAsync(198);
    expect(next).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(next).toHaveBeenCalledTimes(2);
    // Retry 2: the ceiling 400 is capped by maxDelay: 100 + 0.99 * (300 - 100) = 298 ms.
    await jest.advanceTimersByTimeAsync(297);
    expect(next).toHaveBeenCalledTimes(2);
    // Retry 3, with the lowest draw, waits minDelay.
    random.mockReturnValue(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(next).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(99);
    expect(next).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(next).toHaveBeenCalledTimes(4);
    expect(random).toHaveBeenCalled();
  });

  test('Retry-After in seconds replaces the backoff', async () => {
    const ctx = fakeContext();
    const next = failing(ctx, httpError(429, { 'retry-after': '2' }));
    const done = retry({ minDelay: 1 })(ctx, next);
    await jest.advanceTimersByTimeAsync(1999);
    expect(next).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(next).toHaveBeenCalledTimes(2);
  });

  test('Retry-After as an HTTP date waits until that date', async () => {
    jest.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const ctx = fakeContext();
    const next = failing(ctx, httpError(503, { 'retry-after': 'Tue, 01 Jan 2030 00:00:03 GMT' }));
    const done = retry({ minDelay: 1 })(ctx, next);
    await jest.advanceTimersByTimeAsync(2999);
    expect(next).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(next).toHaveBeenCalledTimes(2);
  });

  test('a Retry-After longer than maxRetryAfter fails at once, without a retry', async () => {
    const ctx = fakeContext();
    const asked = httpError(503, { 'retry-after': '120' });
    const next = failing(ctx, asked);
    await expect(retry({ maxRetryAfter: 60_000 })(ctx, next)).rejects.toBe(asked);
    expect(next).toHaveBeenCalledTimes(1);
  });

  test('an unreadable Retry-After falls back to the backoff', async () => {
    const ctx = fakeContext();
    const next = failing(ctx, httpError(503, { 'retry-after': 'soon' }));
    const done = retry({ jitter: false, minDelay: 50 })(ctx, next);
    await jest.advanceTimersByTimeAsync(50);
    await done;
    expect(next).toHaveBeenCalledTimes(2);
  });

  test('a wait that would end past the deadline is not started: the call fails with the last error', async () => {
    const ctx = fakeContext();
    ctx.deadline = Date.now() + 1000;
    const second = httpError(503);
    const next = failing(ctx, httpError(503), second);
    const done = retry({ retries: 5, jitter: false, minDelay: 400 })(ctx, next);
    const outcome = expect(done).rejects.toBe(second);
    await jest.advanceTimersByTimeAsync(400); // retry 1 after 400 ms; retry 2 would wait 800 ms, to 1200 > 1000
    await outcome;
    expect(next).toHaveBeenCalledTimes(2);
  });

  test('the deadline passing during a backoff (the timeout step firing) ends the call: no further attempt', async () => {
    const transport = jest.fn(async () => {
      throw httpError(503);
    });
    // The real timeout step; the fake transport fails every attempt.
    const sync = createSync({ timeout: 1000 })
      .use(retry({ retries: 5, jitter: false, minDelay: 300 }))
      .replace('transport', transport);
    // Pretend the deadline is later than the timer: the timer is what ends the wait.
    sync.use(
      'late-deadline',
      async (ctx, next) => {
        ctx.deadline = Infinity;
        await next();
      },
      { after: 'timeout' },
    );
    const call = sync('read', { url: 'http://api.test/flaky' });
    const outcome = expect(call).rejects.toMatchObject({ code: 'ERR_TIMEOUT', textStatus: 'timeout' });
    await jest.advanceTimersByTimeAsync(5000);
    await outcome;
    // Attempts at 0, 300 and 900 ms; the wait from 900 was cut by the timeout at 1000.
    expect(transport).toHaveBeenCalledTimes(3);
  });

  test('an abort during a backoff ends the wait with the abort reason', async () => {
    const ctx = fakeContext();
    const next = failing(ctx, httpError(503));
    const done = retry({ jitter: false, minDelay: 1000 })(ctx, next);
    const outcome = expect(done).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await jest.advanceTimersByTimeAsync(10);
    ctx.abortCall();
    await outcome;
    await jest.advanceTimersByTimeAsync(5000);
    expect(next).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('retry() decisions', () => {
  test('statuses not listed, parse errors, timeouts and aborts are not retried', async () => {
    for (const error of [
      httpError(404),
      new SyncError('ERR_PARSE', 'Unexpected token'),
      new SyncError('ERR_TIMEOUT', 'timeout of 10ms exceeded'),
      new SyncError('ERR_ABORTED', 'Request aborted'),
      new Error('a bug in a step'),
    ]) {
      const ctx = fakeContext();
      const next = jest.fn(async () => {
        throw error;
      });
      await expect(retry({ minDelay: 0 })(ctx, next)).rejects.toBe(error);
      expect(next).toHaveBeenCalledTimes(1);
    }
  });

  test('writes are never retried unless listed in methods', async () => {
    const create = fakeContext({ method: 'POST' }, {}, 'create');
    const once = failing(create, httpError(503));
    await expect(retry({ minDelay: 0 })(create, once)).rejects.toMatchObject({ status: 503 });
    expect(once).toHaveBeenCalledTimes(1);

    const again = fakeContext({ method: 'POST' }, {}, 'create');
    const twice = failing(again, httpError(503));
    await retry({ minDelay: 0, methods: ['read', 'create'] })(again, twice);
    expect(twice).toHaveBeenCalledTimes(2);
  });

  test('shouldRetry overrides the status rule, and undefined keeps it', async () => {
    const decisions: unknown[] = [];
    const step = retry({
      minDelay: 0,
      shouldRetry: ({ error, retries }) => {
        decisions.push([error.status, retries]);
        if (error.status === 404) return true;
        if (error.status === 503) return false;
        return undefined;
      },
    });
    const a = fakeContext();
    const nextA = failing(a, httpError(404));
    await step(a, nextA);
    expect(nextA).toHaveBeenCalledTimes(2);
    const b = fakeContext();
    await expect(step(b, failing(b, httpError(503)))).rejects.toMatchObject({ status: 503 });
    const c = fakeContext();
    const nextC = failing(c, httpError(500), httpError(500));
    await step(c, nextC);
    expect(nextC).toHaveBeenCalledTimes(3);
    expect(decisions).toEqual([
      [404, 0],
      [503, 0],
      [500, 0],
      [500, 1],
    ]);
  });
});

describe('retry() against a real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('a flaky endpoint: two 503s, then success; Backbone callbacks run once', async () => {
    let hits = 0;
    server.route('/flaky', (_req, res) => {
      hits++;
      if (hits <= 2) sendJSON(res, { error: 'busy' }, 503);
      else sendJSON(res, { id: 1, title: 'Dune' });
    });
    const sync = createSync().use(retry({ minDelay: 5, maxDelay: 20 }));
    const Book = Backbone.Model.extend({ url: server.url('/flaky'), sync });
    const book = new Book();
    const success = jest.fn();
    const error = jest.fn();
    const complete = jest.fn();
    await book.fetch({ success, error, complete });
    expect(hits).toBe(3);
    expect(success).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
    expect(complete).toHaveBeenCalledTimes(1);
    expect(book.get('title')).toBe('Dune');
  });

  test('an endpoint that keeps failing: one error callback with the last response', async () => {
    let hits = 0;
    server.route('/down', (_req, res) => {
      hits++;
      sendJSON(res, { attempt: hits }, 500);
    });
    const sync = createSync().use(retry({ retries: 2, minDelay: 5, maxDelay: 20 }));
    const book = new (Backbone.Model.extend({ url: server.url('/down'), sync }))();
    const error = jest.fn();
    const success = jest.fn();
    await book.fetch({ error, success }).catch(() => {});
    expect(hits).toBe(3);
    expect(success).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    expect((error.mock.calls[0][1] as SyncError).responseJSON).toEqual({ attempt: 3 });
  });

  test('shouldRetry sees the parsed error body', async () => {
    let hits = 0;
    server.route('/parsed', (_req, res) => {
      hits++;
      sendJSON(res, { retryable: hits < 2 }, 500);
    });
    const seen: unknown[] = [];
    const sync = createSync().use(
      retry({
        retries: 5,
        minDelay: 1,
        shouldRetry: ({ error }) => {
          seen.push(error.responseJSON);
          return (error.responseJSON as { retryable: boolean }).retryable;
        },
      }),
    );
    await expect(sync('read', { url: server.url('/parsed') })).rejects.toMatchObject({ status: 500 });
    expect(seen).toEqual([{ retryable: true }, { retryable: false }]);
    expect(hits).toBe(2);
  });

  test('a network error is retried', async () => {
    const dead = await TestServer.start();
    const url = dead.url('/gone');
    await dead.close();
    const attempts: unknown[] = [];
    const sync = createSync().use(retry({ retries: 1, minDelay: 1 }));
    sync.use('count', async (ctx, next) => {
      attempts.push(ctx.state.attempts);
      await next();
    });
    await expect(sync('read', { url })).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    expect(attempts).toEqual([1, 2]);
  });
});
