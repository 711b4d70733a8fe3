import { createSync, SyncError } from '../../lib/index';
import { auth } from '../../middleware/index';
import { TestServer, sendJSON } from '../helpers/test-server';
import { deferred } from '../helpers/deferred';

describe('auth() setup', () => {
  test('bad arguments throw a TypeError at setup', () => {
    expect(() => auth('token' as never)).toThrow('auth(getToken): getToken must be a function');
    expect(() => auth(() => 't', { header: 'bad header' })).toThrow(/header must be a header name/);
    expect(() => auth(() => 't', { scheme: 'Bearer x' })).toThrow(/scheme must be a word/);
    expect(() => auth(() => 't', null as never)).toThrow(TypeError);
  });

  test('sits before cache and parse, and refuses a place inside them', () => {
    expect(
      createSync()
        .use(auth(() => 't'))
        .steps(),
    ).toEqual(['timeout', 'headers', 'auth', 'cache', 'parse', 'transport']);
    expect(() =>
      createSync().use(
        'auth',
        auth(() => 't'),
        { after: 'cache' },
      ),
    ).toThrow(/Step "auth" must sit before \(outside\) "cache" .*but it would run inside it/);
  });
});

describe('auth() against a real server', () => {
  let server: TestServer;
  let valid = 'token-1';
  const seen: string[] = [];
  beforeAll(async () => {
    server = await TestServer.start();
    server.route('/secure', (req, res) => {
      const header = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
      seen.push(header);
      if (header === `Bearer ${valid}` || header === valid) sendJSON(res, { ok: true });
      else sendJSON(res, { error: 'unauthorized' }, 401);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    seen.length = 0;
    valid = 'token-1';
  });
  const read = (sync: ReturnType<typeof createSync>, options = {}) =>
    sync('read', { url: server.url('/secure') }, options);

  test('sends the token, and reuses it until a 401', async () => {
    const getToken = jest.fn(async () => 'token-1');
    const sync = createSync().use(auth(getToken));
    await read(sync);
    await read(sync);
    await Promise.all([read(sync), read(sync)]);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(Array(4).fill('Bearer token-1'));
  });

  test('concurrent first calls share one getToken()', async () => {
    const token = deferred<string>();
    const getToken = jest.fn(() => token.promise);
    const sync = createSync().use(auth(getToken));
    const calls = [read(sync), read(sync), read(sync)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    token.resolve('token-1');
    await Promise.all(calls);
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  test('a custom header and an empty scheme send the token alone', async () => {
    const sync = createSync().use(auth(() => 'token-1', { header: 'X-Api-Key', scheme: '' }));
    await expect(read(sync)).resolves.toEqual({ ok: true });
    expect(server.last().headers['x-api-key']).toBe('token-1');
    expect(server.last().headers.authorization).toBeUndefined();
  });

  test('on a 401, one refresh serves every concurrent call, and each is replayed once', async () => {
    const tokens = ['token-1', 'token-2'];
    const refresh = deferred<void>();
    const getToken = jest.fn(async () => {
      const next = tokens.shift()!;
      if (next === 'token-2') await refresh.promise;
      return next;
    });
    const sync = createSync().use(auth(getToken));
    await read(sync);
    valid = 'token-2';
    seen.length = 0;
    const success = jest.fn();
    const error = jest.fn();
    const calls = [1, 2, 3].map(() => read(sync, { success, error }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    refresh.resolve();
    await Promise.all(calls);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(seen.filter((h) => h === 'Bearer token-1')).toHaveLength(3);
    expect(seen.filter((h) => h === 'Bearer token-2')).toHaveLength(3);
    expect(success).toHaveBeenCalledTimes(3);
    expect(error).not.toHaveBeenCalled();
  });

  test('a call that got a 401 after the refresh finished replays with the new token without another refresh', async () => {
    let n = 0;
    const getToken = jest.fn(async () => `token-${++n}`);
    const step = auth(getToken);
    const sync = createSync().use(step);
    // A slow call starts with token-1 and gets its 401 after a faster call already refreshed.
    const slow = createSync()
      .use(step)
      .use('slow', async (_ctx, next) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await next();
      });
    await read(sync);
    valid = 'token-2';
    const late = read(slow);
    await read(sync);
    await late;
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  test('a second 401 fails the call with the 401', async () => {
    let n = 0;
    const getToken = jest.fn(async () => `token-${++n}`);
    valid = 'never';
    const sync = createSync().use(auth(getToken));
    const error = jest.fn();
    const failure = await read(sync, { error }).catch((e: SyncError) => e);
    expect(failure).toMatchObject({ code: 'ERR_HTTP', status: 401, responseJSON: { error: 'unauthorized' } });
    expect(error).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  test('a refresh that fails fails every waiting call with its 401 (cause: the refresh error); the next call tries again', async () => {
    const down = new Error('identity provider down');
    let n = 0;
    const getToken = jest.fn(async () => {
      n++;
      if (n === 2) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw down;
      }
      return `token-${n}`;
    });
    const sync = createSync().use(auth(getToken));
    await read(sync);
    valid = 'token-3';
    const failures = await Promise.all([read(sync), read(sync)].map((call) => call.catch((e: SyncError) => e)));
    for (const failure of failures) {
      expect(failure).toMatchObject({ name: 'SyncError', code: 'ERR_HTTP', status: 401, cause: down });
    }
    expect(getToken).toHaveBeenCalledTimes(2);
    await expect(read(sync)).resolves.toEqual({ ok: true });
    expect(getToken).toHaveBeenCalledTimes(3);
  });

  test('a first getToken() that fails, or gives no string, fails the call with ERR_MIDDLEWARE', async () => {
    const broken = new Error('no credentials');
    const sync = createSync().use(
      auth(() => {
        throw broken;
      }),
    );
    await expect(read(sync)).rejects.toMatchObject({
      code: 'ERR_MIDDLEWARE',
      message: 'auth: getToken() failed: no credentials',
      cause: broken,
    });
    const empty = createSync().use(auth(() => ''));
    await expect(read(empty)).rejects.toMatchObject({ message: expect.stringContaining('non-empty string') });
  });

  test('a token that could split a header line fails the call', async () => {
    const sync = createSync().use(auth(() => 'abc\r\nx-evil: 1'));
    await expect(read(sync)).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  test('an abort while waiting for the token ends the call', async () => {
    const token = deferred<string>();
    const sync = createSync().use(auth(() => token.promise));
    const call = read(sync);
    call.abort();
    await expect(call).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    token.resolve('token-1');
    await expect(read(sync)).resolves.toEqual({ ok: true });
  });
});

describe('auth() when getToken throws synchronously', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('the call fails, and the next call asks getToken again', async () => {
    const login: { session?: string } = {};
    const getToken = jest.fn(() => {
      if (!login.session) throw new Error('no session yet');
      return login.session;
    });
    const sync = createSync().use(auth(getToken));
    await expect(sync('read', { url: server.url('/me') })).rejects.toMatchObject({
      message: expect.stringContaining('no session yet'),
    });
    login.session = 'after-login';
    await sync('read', { url: server.url('/me') });
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(server.last().headers.authorization).toBe('Bearer after-login');
  });
});
