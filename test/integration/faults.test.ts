import http from 'node:http';
import { until } from '../helpers/wait';
import net from 'node:net';
import { createSync } from '../../lib/index';
import type { SyncInstance } from '../../lib/index';
import { activeResources, settle } from '../helpers/settlement';
import { head, sendJSON, TestServer } from '../helpers/test-server';

const DEADLINE = 400;
// Settling may trail the deadline by scheduling on a busy machine, never by seconds.
const MARGIN = 1500;

// Jest fails the running test on an unhandled rejection or an uncaught exception, so every case
// below also proves the call raised neither (test/integration/unhandled-rejection.test.ts checks
// the same in a plain Node process, where one would end the process).

let faults: TestServer;
let agent: http.Agent;
let sync: SyncInstance;

beforeAll(async () => {
  faults = await TestServer.start();
});
afterAll(async () => {
  await faults.close();
});
beforeEach(() => {
  agent = new http.Agent({ keepAlive: true });
  sync = createSync({ timeout: DEADLINE, agent });
});
afterEach(async () => {
  // No call may leave a socket behind: the server sees every connection closed, and the agent holds
  // no busy socket (an idle keep-alive socket is the pool's, and only after a clean response).
  for (let i = 0; i < 100 && faults.openSockets > 0 && Object.keys(agent.freeSockets).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(Object.keys(agent.sockets)).toHaveLength(0);
  agent.destroy();
});

describe('a misbehaving server: every call settles exactly once, in time, with the documented status', () => {
  test('accepts and never answers: timeout', async () => {
    faults.raw('/silent', () => {});
    const result = await settle((options) => sync('read', { url: faults.url('/silent') }, options));
    expect(result).toMatchObject({
      success: 0,
      error: 1,
      complete: 1,
      textStatus: 'timeout',
      status: 0,
      outcome: 'rejected',
    });
    expect(result.ms).toBeGreaterThanOrEqual(DEADLINE - 5);
    expect(result.ms).toBeLessThan(DEADLINE + MARGIN);
    await until(() => faults.openSockets === 0);
  });

  test('headers, then a stalled body (slow loris): timeout', async () => {
    faults.raw('/loris', (socket) =>
      socket.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 100 }) + '{"a":'),
    );
    const result = await settle((options) => sync('read', { url: faults.url('/loris') }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'timeout', status: 0 });
    expect(result.ms).toBeLessThan(DEADLINE + MARGIN);
    await until(() => faults.openSockets === 0);
  });

  test('closes the socket mid-body: a network error, status 0', async () => {
    faults.raw('/cut', (socket) => {
      socket.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 100 }) + '{"partial":');
      setTimeout(() => socket.destroy(), 20);
    });
    const result = await settle((options) => sync('read', { url: faults.url('/cut') }, options));
    expect(result).toMatchObject({ success: 0, error: 1, complete: 1, textStatus: 'error', status: 0 });
    expect(result.error0?.code).toBe('ERR_NETWORK');
  });

  test('resets the connection: a network error with ECONNRESET, status 0', async () => {
    faults.raw('/reset', (socket) => socket.resetAndDestroy());
    const result = await settle((options) => sync('read', { url: faults.url('/reset') }, options));
    expect(result).toMatchObject({ success: 0, error: 1, complete: 1, textStatus: 'error', status: 0 });
    expect(result.error0?.message).toMatch(/ECONNRESET|socket hang up/);
  });

  test('truncated JSON on a 200: parsererror', async () => {
    const body = '{"items":[1,2';
    faults.raw('/truncated', (socket) =>
      socket.end(
        head('200 OK', { 'content-type': 'application/json', 'content-length': body.length, connection: 'close' }) +
          body,
      ),
    );
    const result = await settle((options) => sync('read', { url: faults.url('/truncated') }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'parsererror', status: 200 });
    expect(result.error0?.responseText).toBe(body);
  });

  test('a Content-Length longer than the body, then close: a network error, not a hang', async () => {
    faults.raw('/short', (socket) =>
      socket.end(head('200 OK', { 'content-type': 'application/json', 'content-length': 500 }) + '{"a":1}'),
    );
    const result = await settle((options) => sync('read', { url: faults.url('/short') }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error', status: 0 });
    expect(result.ms).toBeLessThan(DEADLINE + MARGIN);
  });

  test("a Content-Length shorter than the body: Node's parser refuses the extra bytes, a network error", async () => {
    faults.raw('/long', (socket) =>
      socket.end(head('200 OK', { 'content-type': 'application/json', 'content-length': 7 }) + '{"a":1}GARBAGE'),
    );
    const result = await settle((options) => sync('read', { url: faults.url('/long') }, options));
    expect(result).toMatchObject({ success: 0, error: 1, complete: 1, outcome: 'rejected', status: 0 });
    expect(result.error0?.message).toContain('Parse Error');
  });

  test('a 100 MB body fails with a clear error at maxResponseBytes (10 MB by default) instead of buffering it', async () => {
    let written = 0;
    faults.raw('/huge', (socket) => {
      socket.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 }));
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const pump = () => {
        while (written < 100 * 1024 * 1024 && !socket.destroyed) {
          written += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const big = createSync({ timeout: 20000, agent });
    const result = await settle((options) => big('read', { url: faults.url('/huge') }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error', status: 0 });
    expect(result.error0?.code).toBe('ERR_RESPONSE_TOO_LARGE');
    expect(result.error0?.message).toContain('10485760 bytes');
    await until(() => faults.openSockets === 0);
    expect(written).toBeLessThan(100 * 1024 * 1024);
  });

  test('a redirect loop fails after maxRedirects with a clear error', async () => {
    let hops = 0;
    faults.raw('/loop', (socket) => {
      hops++;
      socket.end(head('302 Found', { location: '/loop', 'content-length': 0, connection: 'close' }));
    });
    const result = await settle((options) => sync('read', { url: faults.url('/loop') }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error' });
    expect(result.error0?.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(hops).toBe(6);
  });

  test.each([
    [500, '{"error":"boom"}', 'Internal Server Error'],
    [500, '', 'Internal Server Error'],
    [503, '{"retry":true}', 'Service Unavailable'],
    [503, '', 'Service Unavailable'],
  ])('%i with body %p: an HTTP error with the status and the body', async (status, body, text) => {
    faults.raw(`/status-${status}`, (socket) =>
      socket.end(
        head(`${status} ${text}`, {
          'content-type': 'application/json',
          'content-length': body.length,
          connection: 'close',
        }) + body,
      ),
    );
    const result = await settle((options) => sync('read', { url: faults.url(`/status-${status}`) }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error', status });
    expect(result.error0).toMatchObject({ message: text, responseText: body, code: 'ERR_HTTP' });
  });

  test('a text/html error page keeps its responseText', async () => {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    faults.raw('/html', (socket) =>
      socket.end(
        head('502 Bad Gateway', { 'content-type': 'text/html', 'content-length': page.length, connection: 'close' }) +
          page,
      ),
    );
    const result = await settle((options) => sync('read', { url: faults.url('/html') }, options));
    expect(result).toMatchObject({ error: 1, status: 502 });
    expect(result.error0?.responseText).toBe(page);
  });
});

describe('unreachable servers', () => {
  test('DNS failure: a network error with status 0', async () => {
    const result = await settle((options) => sync('read', { url: 'http://does-not-exist.invalid/x' }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, success: 0, textStatus: 'error', status: 0 });
    expect(result.error0?.message).toContain('ENOTFOUND');
  });

  test('connection refused: a network error with status 0', async () => {
    const result = await settle((options) => sync('read', { url: 'http://127.0.0.1:1/x' }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, textStatus: 'error', status: 0 });
    expect(result.error0?.message).toContain('ECONNREFUSED');
  });

  test('a relative URL in Node fails with a clear error instead of a DNS lookup of its first segment', async () => {
    const result = await settle((options) => sync('read', { url: '/items' }, options));
    expect(result).toMatchObject({ error: 1, complete: 1, textStatus: 'error', status: 0 });
    expect(result.error0?.code).toBe('ERR_INVALID_REQUEST');
    expect(result.error0?.message).toContain('must be absolute http(s)');
  });
});

describe('redirects and private headers', () => {
  let origin: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    origin = await TestServer.start();
    other = await TestServer.start();
  });
  afterAll(async () => {
    await origin.close();
    await other.close();
  });

  const credentials = {
    authorization: 'Bearer secret',
    cookie: 'session=secret',
    'x-api-key': 'secret',
    'x-tenant-token': 'secret',
    'x-public': 'kept',
  };

  test('a redirect to another origin does not carry Authorization, Cookie or configured token headers', async () => {
    origin.route('/away', (_req, res) => {
      res.writeHead(302, { location: other.url('/landing') });
      res.end();
    });
    other.json('/landing', { landed: true });
    const configured = createSync({ privateHeaders: ['x-api-key', 'X-Tenant-Token'] });
    await expect(configured('read', { url: origin.url('/away') }, { headers: credentials })).resolves.toEqual({
      landed: true,
    });
    const seen = other.last().headers;
    expect(seen['x-public']).toBe('kept');
    for (const name of ['authorization', 'cookie', 'x-api-key', 'x-tenant-token']) expect(seen[name]).toBeUndefined();
  });

  test('a redirect within the origin keeps them', async () => {
    origin.route('/here', (_req, res) => {
      res.writeHead(302, { location: '/there' });
      res.end();
    });
    origin.json('/there', { stayed: true });
    const configured = createSync({ privateHeaders: ['x-api-key', 'x-tenant-token'] });
    await configured('read', { url: origin.url('/here') }, { headers: credentials });
    expect(origin.last().headers).toMatchObject({
      authorization: 'Bearer secret',
      'x-api-key': 'secret',
      'x-tenant-token': 'secret',
    });
  });
});

describe('keep-alive races', () => {
  /**
   * A keep-alive server like nginx's default: it closes a connection after `idleMs` without a request
   * and, unlike Node's, announces no `Keep-Alive: timeout=N` (Node's agent honours that header itself).
   */
  async function hintlessKeepAliveServer(idleMs: number) {
    const server = net.createServer((socket) => {
      let buffered = '';
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => socket.destroy(), idleMs);
      };
      socket.on('error', () => {});
      socket.on('close', () => clearTimeout(idle));
      socket.on('data', (chunk) => {
        clearTimeout(idle);
        buffered += chunk.toString('latin1');
        let end: number;
        while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
          buffered = buffered.slice(end + 4);
          socket.write(
            head('200 OK', { 'content-type': 'application/json', 'content-length': 11, connection: 'keep-alive' }) +
              '{"ok":true}',
          );
        }
        arm();
      });
      arm();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/x` };
  }

  test('a reused socket the server resets before answering: the idempotent call goes again on a fresh socket', async () => {
    let requestsOnReusedSockets = 0;
    const server = net.createServer((socket) => {
      let served = 0;
      socket.on('error', () => {});
      socket.on('data', () => {
        // The first request on a connection is answered; the next one finds the server gone.
        if (served++ === 0) {
          socket.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 2 }) + '{}');
        } else {
          requestsOnReusedSockets++;
          socket.resetAndDestroy();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/x`;
    const reusing = createSync({ agent, timeout: 5000 });
    try {
      await reusing('read', { url });
      await expect(reusing('read', { url })).resolves.toEqual({});
      await expect(reusing('update', { url, toJSON: () => ({}) })).resolves.toEqual({});
      expect(requestsOnReusedSockets).toBe(2);
      // POST is not idempotent: it is never sent twice.
      const post = await settle((options) => reusing('create', { url, toJSON: () => ({}) }, options));
      expect(post).toMatchObject({ error: 1, success: 0, textStatus: 'error', status: 0 });
      expect(requestsOnReusedSockets).toBe(3);
    } finally {
      server.close();
    }
  });

  test('a server closing idle sockets after 1 s, calls spaced around 1 s: zero errors in 200 calls', async () => {
    const { server, url } = await hintlessKeepAliveServer(1000);
    const raceAgent = new http.Agent({ keepAlive: true, timeout: 4000 });
    const racing = createSync({ agent: raceAgent, timeout: 5000 });
    const errors: string[] = [];
    let calls = 0;
    // 20 chains of 10 calls each, every gap within a few ms of the server's idle timeout.
    const chain = async (index: number) => {
      await sleep(index * 7);
      for (let round = 0; round < 10; round++) {
        try {
          calls++;
          await racing('read', { url });
        } catch (error) {
          errors.push((error as Error).message);
        }
        await sleep(1000 + ((index * 13 + round * 7) % 5) - 2);
      }
    };
    try {
      await Promise.all(Array.from({ length: 20 }, (_, index) => chain(index)));
    } finally {
      raceAgent.destroy();
      server.close();
    }
    expect(calls).toBe(200);
    expect(errors).toEqual([]);
  }, 60000);
});

describe('load', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('5,000 concurrent fetches all settle once; afterwards the pool holds only idle sockets', async () => {
    const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const loaded = createSync({ agent: loadAgent, timeout: 30000 });
    server.json('/load', { ok: 1 });
    try {
      const results = await Promise.all(
        Array.from({ length: 5000 }, () =>
          settle((options) => loaded('read', { url: server.url('/load') }, options), 0),
        ),
      );
      expect(results.filter((r) => r.success === 1 && r.error === 0 && r.complete === 1)).toHaveLength(5000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(Object.keys(loadAgent.sockets)).toHaveLength(0);
      const idle = Object.values(loadAgent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
      expect(idle).toBeGreaterThan(0);
      expect(idle).toBeLessThanOrEqual(64);
      expect(server.connections).toBeLessThanOrEqual(64);
    } finally {
      loadAgent.destroy();
    }
  }, 120000);

  test('1,000 concurrent calls, every 10th timing out and every 10th aborted: the counts match exactly', async () => {
    const timersBefore = activeResources().Timeout ?? 0;
    server.route('/slow', (_req, res) => {
      const timer = setTimeout(() => sendJSON(res, {}), 3000);
      res.on('close', () => clearTimeout(timer));
    });
    server.json('/fast', { ok: 1 });
    const mixed = createSync({ timeout: 20000 });
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        settle((options) => {
          if (i % 10 === 3) return mixed('read', { url: server.url('/slow') }, { ...options, timeout: 200 });
          const xhr = mixed('read', { url: server.url(i % 10 === 7 ? '/slow' : '/fast') }, options);
          if (i % 10 === 7) setTimeout(() => xhr.abort(), 50);
          return xhr;
        }, 0),
      ),
    );
    const count = (status: string) => outcomes.filter((o) => o.textStatus === status).length;
    expect({ success: count('success'), timeout: count('timeout'), abort: count('abort') }).toEqual({
      success: 800,
      timeout: 100,
      abort: 100,
    });
    expect(outcomes.every((o) => o.success + o.error === 1 && o.complete === 1)).toBe(true);
    // The deadlines of all 1,000 calls (20 s each) must be gone; the server's own timers go with its sockets.
    await until(() => (activeResources().Timeout ?? 0) <= timersBefore);
  }, 60000);
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
