import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import util from 'node:util';
import { createSync, SyncError } from '../../lib/index';
import type { SyncInstance, SyncOptions } from '../../lib/index';
import { auth, dedupe, logger } from '../../middleware/index';
import { settle } from '../helpers/settlement';
import { head, sendJSON, TestServer } from '../helpers/test-server';

// Every case here failed on the code before the hardening change; each talks only to 127.0.0.1.

let api: TestServer;
let other: TestServer;
let faults: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
  other = await TestServer.start();
  faults = await TestServer.start();
});
afterAll(async () => {
  await Promise.all([api.close(), other.close(), faults.close()]);
});
beforeEach(() => {
  api.requests.length = 0;
  other.requests.length = 0;
});

function port(server: TestServer): number {
  return Number(new URL(server.origin).port);
}

/** Records where Node asks to dial; always connects to `target` on loopback, so nothing leaves the machine. */
function recordingAgent<T extends typeof http.Agent | typeof https.Agent>(Base: T, target: number) {
  const dials: Array<{ host: unknown; port: unknown }> = [];
  const Recording = class extends (Base as typeof http.Agent) {
    override createConnection(options: { host?: string; port?: number | string }, _callback?: unknown): net.Socket {
      dials.push({ host: options.host, port: options.port });
      return net.connect(target, '127.0.0.1');
    }
  };
  return { agent: new Recording({ keepAlive: false }), dials };
}

describe('URL schemes', () => {
  test.each(['HTTP', 'Http', 'hTTp'])('%s:// reaches the intended host and port', async (scheme) => {
    const { agent, dials } = recordingAgent(http.Agent, port(api));
    const sync = createSync({ agent: agent as never });
    const url = `${scheme}://127.0.0.1:${port(api)}/me`;
    await sync('read', { url }, { headers: { authorization: 'Bearer s3cret' } });
    expect(dials).toEqual([{ host: '127.0.0.1', port: String(port(api)) }]);
    expect(api.last().url).toBe('/me');
  });

  test('HTTPS:// is dialled over https to the intended host and port, never in clear text to a host named "https"', async () => {
    const { agent, dials } = recordingAgent(https.Agent, port(api));
    const sync = createSync({ agent: agent as never, timeout: 2000 });
    // The recording agent hands TLS a plain socket, so the call fails after the dial: where it dialled is the point.
    await sync('read', { url: `HTTPS://127.0.0.1:${port(api)}/me` }).catch(() => undefined);
    expect(dials).toHaveLength(1);
    expect(dials[0]).toEqual({ host: '127.0.0.1', port: String(port(api)) });
  });

  test('the host is matched in any case; the path keeps its case', async () => {
    const { agent, dials } = recordingAgent(http.Agent, port(api));
    const sync = createSync({ agent: agent as never });
    await sync('read', { url: `HTTP://LOCALHOST:${port(api)}/Books/ABC` });
    expect(dials[0].host).toBe('localhost');
    expect(api.last().url).toBe('/Books/ABC');
  });

  test.each(['ftp://127.0.0.1/x', 'file:///etc/passwd', 'FTP://127.0.0.1/x', 'http+unix://%2Ftmp%2Fs/x'])(
    '%s fails with ERR_INVALID_REQUEST and sends nothing',
    async (url) => {
      const result = await createSync()('read', { url }).catch((error: SyncError) => error);
      expect(result).toBeInstanceOf(SyncError);
      expect((result as SyncError).code).toBe('ERR_INVALID_REQUEST');
      expect(api.requests).toHaveLength(0);
    },
  );
});

describe('credentials written by auth() under any header name', () => {
  test('are dropped on a redirect to another origin', async () => {
    api.route('/hop', (_req, res) => {
      res.writeHead(307, { location: other.url('/landing') });
      res.end();
    });
    const sync = createSync();
    sync.use(auth(() => 'session-token-1', { header: 'x-session', scheme: '' }));
    await sync('read', { url: api.url('/hop') });
    expect(api.last().headers['x-session']).toBe('session-token-1');
    expect(other.last().path).toBe('/landing');
    expect(other.last().headers['x-session']).toBeUndefined();
  });

  test('make a read private for the cache: two users never share an entry', async () => {
    api.json('/me', { user: 'whoever' });
    const sync = createSync();
    const as = (token: string): SyncOptions => ({
      cache: true,
      middleware: [auth(() => token, { header: 'x-session', scheme: '' })],
    });
    await sync('read', { url: api.url('/me') }, as('alice-token'));
    await sync('read', { url: api.url('/me') }, as('bob-token'));
    expect(api.requests.map((r) => r.headers['x-session'])).toEqual(['alice-token', 'bob-token']);
  });

  test('make a read private for dedupe: concurrent reads of two users are two requests', async () => {
    api.route('/slow-me', (req, res) => setTimeout(() => sendJSON(res, { token: req.headers['x-session'] }), 50));
    const sync = createSync();
    sync.use(dedupe());
    const as = (token: string): SyncOptions => ({
      middleware: [auth(() => token, { header: 'x-session', scheme: '' })],
    });
    const [a, b] = await Promise.all([
      sync('read', { url: api.url('/slow-me') }, as('alice-token')),
      sync('read', { url: api.url('/slow-me') }, as('bob-token')),
    ]);
    expect(a).toEqual({ token: 'alice-token' });
    expect(b).toEqual({ token: 'bob-token' });
    expect(api.requests).toHaveLength(2);
  });
});

describe('logger() never prints a secret', () => {
  test('userinfo password, sensitive query values and every credential header are masked in every field', async () => {
    const lines: string[] = [];
    const sync = createSync();
    // A format that prints everything it is handed, the raw context's request included.
    sync.use(
      logger({
        log: (line) => lines.push(line),
        format: (entry) =>
          JSON.stringify({
            url: entry.url,
            headers: entry.headers,
            raw: entry.ctx.request,
            line: `${entry.method} ${entry.url}`,
          }),
      }),
    );
    sync.use(auth(() => 'marked-session-value', { header: 'x-session', scheme: '' }));
    const url = `http://alice:hunter2@127.0.0.1:${port(api)}/me?page=2&access_token=tok-AAA111&API_KEY=key-BBB222&Signature=sig-CCC333`;
    await sync('read', { url }, { headers: { 'x-api-key': 'apikey-DDD444', cookie: 'sid=cookie-EEE555' } });
    expect(lines).toHaveLength(1);
    for (const secret of [
      'hunter2',
      'tok-AAA111',
      'key-BBB222',
      'sig-CCC333',
      'apikey-DDD444',
      'cookie-EEE555',
      'marked-session-value',
    ]) {
      expect(lines[0]).not.toContain(secret);
    }
    const printed = JSON.parse(lines[0]);
    expect(printed.url).toBe(
      `http://alice:[redacted]@127.0.0.1:${port(api)}/me?page=2&access_token=[redacted]&API_KEY=[redacted]&Signature=[redacted]`,
    );
    expect(printed.headers['x-api-key']).toBe('[redacted]');
    expect(printed.headers['x-session']).toBe('[redacted]');
    expect(printed.headers.accept).toBe('application/json');
  });

  test('the default line masks the same things', async () => {
    const lines: string[] = [];
    const sync = createSync();
    sync.use(logger({ log: (line) => lines.push(line), sensitiveParams: ['session'] }));
    await sync('read', { url: `http://bob:pa55word@127.0.0.1:${port(api)}/x?session=S-123456&q=books` });
    expect(lines[0]).toContain(`/x?session=[redacted]&q=books 200`);
    expect(lines[0]).not.toContain('pa55word');
    expect(lines[0]).not.toContain('S-123456');
  });
});

describe('framing headers are refused', () => {
  const FRAMING = [
    'Content-Length',
    'transfer-encoding',
    'Connection',
    'keep-alive',
    'upgrade',
    'TE',
    'trailer',
    'Host',
  ];

  test.each(FRAMING)('%s in options.headers throws ERR_INVALID_REQUEST from sync() and sends nothing', (name) => {
    const sync = createSync();
    let thrown: unknown;
    try {
      void sync(
        'create',
        { url: api.url('/books'), toJSON: () => ({ title: 'x'.repeat(40) }) },
        { headers: { [name]: '1' } },
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SyncError);
    expect((thrown as SyncError).code).toBe('ERR_INVALID_REQUEST');
    expect((thrown as SyncError).message).toContain(`"${name}"`);
  });

  test('a Content-Length shorter than the body cannot smuggle a second request onto the pooled socket', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sync = createSync({ agent });
    const tail = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
    const body = { a: 1 } as Record<string, unknown>;
    const error = await Promise.resolve()
      .then(() =>
        sync(
          'create',
          { url: api.url('/books'), toJSON: () => body },
          { data: `x=1${tail}`, headers: { 'content-length': '3' } },
        ),
      )
      .catch((caught: SyncError) => caught);
    expect((error as SyncError).code).toBe('ERR_INVALID_REQUEST');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requests.map((r) => r.path)).not.toContain('/smuggled');
    expect(api.requests).toHaveLength(0);
    agent.destroy();
  });

  test('sync.headers with transfer-encoding fails every call before sending', () => {
    const sync = createSync({ headers: { 'transfer-encoding': 'chunked' } });
    expect(() => sync('read', { url: api.url('/x') })).toThrow(/transfer-encoding/);
  });

  test('a step that writes one fails the call, naming it, before anything is sent', async () => {
    const sync = createSync();
    sync.use('smuggler', async (ctx, next) => {
      ctx.request.headers['content-length'] = '0';
      await next();
    });
    const result = await settle((options) =>
      sync('create', { url: api.url('/books'), toJSON: () => ({ a: 1 }) }, options),
    );
    expect(result.error0).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
    expect(result.error0?.message).toContain('content-length');
    expect(api.requests).toHaveLength(0);
  });

  test('setRequestHeader in beforeSend is refused too', async () => {
    const sync = createSync();
    const result = await settle((options) =>
      sync(
        'read',
        { url: api.url('/x') },
        { ...options, beforeSend: (xhr) => void xhr.setRequestHeader('Connection', 'close') },
      ),
    );
    expect(result.error0).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
    expect(result.error0?.message).toMatch(/connection/i);
    expect(api.requests).toHaveLength(0);
  });
});

describe('callers of one failed request each get their own error', () => {
  test('a 500 whose JSON is nested 20,000 deep: every caller of a coalesced cache miss sees the real 500', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    api.route('/deep', (_req, res) =>
      setTimeout(() => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(deep);
      }, 30),
    );
    const sync = createSync();
    const errors = await Promise.all(
      [1, 2, 3].map(() => sync('read', { url: api.url('/deep') }, { cache: true }).catch((error: SyncError) => error)),
    );
    expect(api.requests).toHaveLength(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(SyncError);
      expect(error).toMatchObject({ code: 'ERR_HTTP', status: 500, textStatus: 'error' });
    }
    expect(new Set(errors).size).toBe(3);
  });

  test('dedupe gives each caller of a failed network request its own SyncError', async () => {
    faults.raw('/reset', (socket) => setTimeout(() => socket.resetAndDestroy(), 30));
    const sync = createSync({ agent: false });
    sync.use(dedupe());
    const errors = await Promise.all(
      [1, 2, 3].map(() => sync('read', { url: faults.url('/reset') }).catch((error: SyncError) => error)),
    );
    for (const error of errors) expect(error).toMatchObject({ code: 'ERR_NETWORK', status: 0, textStatus: 'error' });
    expect(new Set(errors).size).toBe(3);
  });
});

describe('odd answers end clearly', () => {
  test('a 3xx without Location fails with its real status and says why', async () => {
    faults.raw('/no-location', (socket) => socket.end(head('302 Found', { 'content-length': 0, connection: 'close' })));
    const error = (await createSync()('read', { url: faults.url('/no-location') }).catch((e) => e)) as SyncError;
    expect(error).toMatchObject({ code: 'ERR_HTTP', status: 302, statusText: 'Found' });
    expect(error.message).toMatch(/without a Location/);
  });

  test('a redirect to a refused protocol fails with its real status and says why', async () => {
    faults.raw('/to-ftp', (socket) =>
      socket.end(
        head('301 Moved Permanently', { location: 'ftp://127.0.0.1/x', 'content-length': 0, connection: 'close' }),
      ),
    );
    const error = (await createSync()('read', { url: faults.url('/to-ftp') }).catch((e) => e)) as SyncError;
    expect(error).toMatchObject({ code: 'ERR_HTTP', status: 301 });
    expect(error.message).toMatch(/refused protocol/);
  });

  test('an unasked-for 101 fails at once as a network error, even with no deadline', async () => {
    faults.raw('/switch', (socket) =>
      socket.write(head('101 Switching Protocols', { upgrade: 'websocket', connection: 'Upgrade' })),
    );
    const result = await settle((options) =>
      createSync({ timeout: 0 })('read', { url: faults.url('/switch') }, options),
    );
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error', status: 0 });
    expect(result.error0?.code).toBe('ERR_NETWORK');
  });

  test('a 100 Continue is skipped: the final answer is used', async () => {
    faults.raw('/continue', (socket) => {
      socket.write(head('100 Continue', {}));
      setTimeout(
        () =>
          socket.end(
            head('200 OK', { 'content-type': 'application/json', 'content-length': 8, connection: 'close' }) +
              '{"ok":1}',
          ),
        20,
      );
    });
    await expect(createSync()('read', { url: faults.url('/continue') })).resolves.toEqual({ ok: 1 });
  });

  test('a 100 Continue followed by silence still ends at the deadline', async () => {
    faults.raw('/continue-silence', (socket) => socket.write(head('100 Continue', {})));
    const result = await settle((options) =>
      createSync({ timeout: 200 })('read', { url: faults.url('/continue-silence') }, options),
    );
    expect(result).toMatchObject({ error: 1, textStatus: 'timeout' });
  });
});

describe('errors are safe to log', () => {
  test('JSON.stringify and util.inspect carry no password, token, Set-Cookie or request header', async () => {
    api.route('/fail', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'set-cookie': 'sid=cookie-SECRET-777' });
      res.end('{"error":"boom"}');
    });
    const sync = createSync();
    const url = `http://carol:pw-SECRET-888@127.0.0.1:${port(api)}/fail?token=tok-SECRET-999&page=1`;
    const error = (await sync('read', { url }, { headers: { authorization: 'Bearer auth-SECRET-666' } }).catch(
      (e) => e,
    )) as SyncError;
    expect(error.status).toBe(500);
    const printed = [
      JSON.stringify(error),
      util.inspect(error),
      util.inspect(error, { depth: 10, showHidden: true }),
      String(Object.values(error)),
    ];
    for (const text of printed) {
      for (const secret of ['pw-SECRET-888', 'tok-SECRET-999', 'cookie-SECRET-777', 'auth-SECRET-666']) {
        expect(text).not.toContain(secret);
      }
    }
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({ code: 'ERR_HTTP', status: 500, textStatus: 'error', method: 'GET' });
    expect(json.url).toBe(`http://carol:[redacted]@127.0.0.1:${port(api)}/fail?token=[redacted]&page=1`);
    expect(json.responseHeaders['content-type']).toBe('application/json');
    expect(json.responseHeaders['set-cookie']).toBeUndefined();
    // The fields an app reads keep working.
    expect(error.responseJSON).toEqual({ error: 'boom' });
    expect(error.getResponseHeader('content-type')).toBe('application/json');
  });
});

// Keeps the type import used when the file is read alone.
export type { SyncInstance };
