import { createSync } from '../../lib/index';
import { auth, logger, retry } from '../../middleware/index';
import type { LogEntry } from '../../middleware/index';
import { TestServer, sendJSON } from '../helpers/test-server';

describe('logger() setup', () => {
  test('bad options throw a TypeError at setup', () => {
    expect(() => logger({ log: 'console' as never })).toThrow('logger(): log must be a function');
    expect(() => logger({ format: {} as never })).toThrow('logger(): format must be a function');
    expect(() => logger({ secrets: 'x-api-key' as never })).toThrow('logger(): secrets must be an array');
    expect(() => logger(null as never)).toThrow(TypeError);
  });

  test('goes outside auth, retry and cache, even when added after them', () => {
    const sync = createSync()
      .use(auth(() => 't'))
      .use(retry())
      .use(logger({ log: () => {} }));
    expect(sync.steps()).toEqual(['timeout', 'headers', 'logger', 'auth', 'retry', 'cache', 'parse', 'transport']);
  });
});

describe('logger() against a real server', () => {
  let server: TestServer;
  let lines: string[];
  const log = (line: string) => lines.push(line);
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    lines = [];
  });

  test('one line per call: method, URL with query, status, duration, cache, retries', async () => {
    const sync = createSync().use(logger({ log }));
    await sync('read', { url: server.url('/books') }, { data: { page: 2 } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^GET ${server.url('/books').replace(/\./g, '\\.')}\\?page=2 200 \\d+ms cache=off retries=0$`),
    );
  });

  test('failures carry their status and code', async () => {
    server.json('/missing', { error: 'nope' }, 404);
    server.route('/slow', (_req, res) => setTimeout(() => sendJSON(res, {}), 500));
    const sync = createSync().use(logger({ log }));
    await sync('read', { url: server.url('/missing') }, {}).catch(() => {});
    await sync('read', { url: server.url('/slow') }, { timeout: 30 }).catch(() => {});
    // A timed-out call settles at its deadline; the logger's line follows once the steps inside it unwind.
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatch(/\/missing 404 ERR_HTTP \d+ms cache=off retries=0$/);
    expect(lines[1]).toMatch(/\/slow 0 ERR_TIMEOUT \d+ms cache=off retries=0$/);
  });

  test('a retried call is one line with its retry count', async () => {
    let hits = 0;
    server.route('/flaky', (_req, res) => (++hits < 3 ? sendJSON(res, {}, 503) : sendJSON(res, { ok: true })));
    const sync = createSync()
      .use(logger({ log }))
      .use(retry({ minDelay: 1, maxDelay: 5 }));
    await sync('read', { url: server.url('/flaky') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\/flaky 200 \d+ms cache=off retries=2$/);
  });

  test('a cache: true read says cache=miss, then cache=hit; a private read says cache=bypass', async () => {
    server.json('/cacheable', { a: 1 });
    const sync = createSync().use(logger({ log }));
    await sync('read', { url: server.url('/cacheable') }, { cache: true });
    await sync('read', { url: server.url('/cacheable') }, { cache: true });
    await sync('read', { url: server.url('/cacheable') }, { cache: true, headers: { authorization: 'Bearer t' } });
    expect(lines.map((line) => line.replace(/^.* (cache=\w+) .*$/, '$1'))).toEqual([
      'cache=miss',
      'cache=hit',
      'cache=bypass',
    ]);
  });

  test('a cache hit says cache=hit', async () => {
    const sync = createSync()
      .use(logger({ log }))
      .replace('cache', async (ctx) => {
        ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '{}', body: {}, fromCache: true };
      });
    await sync('read', { url: server.url('/cached') });
    expect(lines[0]).toMatch(/\/cached 200 \d+ms cache=hit retries=0$/);
  });

  test('never logs the values of Authorization, Cookie or configured secrets, whatever the format', async () => {
    const entries: LogEntry[] = [];
    const sync = createSync({ headers: { cookie: 'session=s3cr3t-cookie', 'x-api-key': 'k3y-value' } })
      .use(auth(() => 'bearer-t0ken'))
      .use(
        logger({
          log,
          secrets: ['X-Api-Key'],
          // A careless format that prints everything it can reach.
          format: (entry) => `${entry.url} ${JSON.stringify(entry.headers)} ${JSON.stringify(entry.ctx.request)}`,
        }),
      );
    await sync('read', { url: server.url('/private') }, { data: { token: 'bearer-t0ken' } });
    expect(server.last().headers.authorization).toBe('Bearer bearer-t0ken');
    expect(lines).toHaveLength(1);
    for (const secret of ['bearer-t0ken', 's3cr3t-cookie', 'k3y-value']) expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');

    lines = [];
    const plain = createSync({ headers: { cookie: 'a=1' } }).use(
      logger({
        log,
        format: (entry) => {
          entries.push(entry);
          return JSON.stringify(entry.headers);
        },
      }),
    );
    await plain('read', { url: server.url('/private') });
    expect(entries[0].headers).toMatchObject({ cookie: '[redacted]', accept: 'application/json' });
    expect(lines[0]).not.toContain('a=1');
  });
});

describe('logger() whose sink or format throws', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('the call still succeeds, and one warning says why', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const sync = createSync()
        .use(
          logger({
            log: () => {
              throw new Error('log sink down');
            },
          }),
        )
        .use(
          'format-broken',
          logger({
            format: () => {
              throw new Error('bad format');
            },
          }),
          { before: 'cache' },
        );
      await expect(sync('read', { url: server.url('/ok') })).resolves.toMatchObject({ method: 'GET' });
      await expect(sync('read', { url: server.url('/ok') })).resolves.toMatchObject({ method: 'GET' });
      expect(warn).toHaveBeenCalledTimes(2);
      // One warning per broken logger, not one per call.
      expect(warn.mock.calls.map((call) => String(call[1])).sort()).toEqual([
        'Error: bad format',
        'Error: log sink down',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
