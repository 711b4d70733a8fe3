import { createSync } from '../../lib/index';
import type { Middleware } from '../../lib/index';
import { MiddlewareStack } from '../../lib/stack';
import { TestServer } from '../helpers/test-server';

const pass: Middleware = (_ctx, next) => next();

describe('the stack', () => {
  test('built-in steps, outermost first', () => {
    expect(createSync().steps()).toEqual(['timeout', 'headers', 'cache', 'parse', 'transport']);
  });

  test('use() inserts just before cache, keeping the order of several calls', () => {
    const sync = createSync().use('a', pass).use('b', pass);
    expect(sync.steps()).toEqual(['timeout', 'headers', 'a', 'b', 'cache', 'parse', 'transport']);
  });

  test('use(mw) names the step after the function, or middleware-N', () => {
    const sync = createSync()
      .use(async function audit(_ctx, next) {
        await next();
      })
      .use(pass)
      .use(async function audit(_ctx, next) {
        await next();
      });
    expect(sync.steps()).toEqual(['timeout', 'headers', 'audit', 'pass', 'audit-2', 'cache', 'parse', 'transport']);
    const anonymous = createSync().use((_ctx, next) => next());
    expect(anonymous.steps()).toContain('middleware');
  });

  test('before and after place a step', () => {
    const sync = createSync().use('early', pass, { after: 'timeout' }).use('wire', pass, { before: 'transport' });
    expect(sync.steps()).toEqual(['timeout', 'early', 'headers', 'cache', 'parse', 'wire', 'transport']);
  });

  test('use falls back to before parse, then transport, then the end, when cache is gone', () => {
    const sync = createSync().remove('cache').use('a', pass);
    expect(sync.steps()).toEqual(['timeout', 'headers', 'a', 'parse', 'transport']);
    const bare = createSync().remove('cache').remove('parse').remove('transport').use('b', pass);
    expect(bare.steps()).toEqual(['timeout', 'headers', 'b']);
  });

  test('duplicate names and unknown anchors throw errors naming them', () => {
    const sync = createSync().use('auth', pass);
    expect(() => sync.use('auth', pass)).toThrow('A step named "auth" is already in the stack');
    expect(() => sync.use('x', pass, { before: 'nope' })).toThrow('No step named "nope"');
    expect(() => sync.remove('ghost')).toThrow('No step named "ghost"');
    expect(() => sync.replace('ghost', pass)).toThrow('No step named "ghost"');
    expect(() => sync.use('x', pass, { before: 'cache', after: 'headers' })).toThrow(
      /either \{ before \} or \{ after \}/,
    );
  });

  test('non-functions and bad names are refused with a TypeError', () => {
    const sync = createSync();
    expect(() => sync.use('x', 42 as unknown as Middleware)).toThrow(TypeError);
    expect(() => sync.use('', pass)).toThrow(/non-empty string/);
    expect(() => sync.replace('parse', null as unknown as Middleware)).toThrow(TypeError);
  });

  test('editing calls return the instance', () => {
    const sync = createSync();
    expect(sync.use('a', pass)).toBe(sync);
    expect(sync.replace('a', pass)).toBe(sync);
    expect(sync.remove('a')).toBe(sync);
  });

  test('replace keeps the name and the place', () => {
    const sync = createSync().use('a', pass).use('b', pass);
    sync.replace('a', async (_ctx, next) => next());
    expect(sync.steps()).toEqual(['timeout', 'headers', 'a', 'b', 'cache', 'parse', 'transport']);
  });

  test('print() draws every step, request going down and response coming up', () => {
    const text = createSync().use('auth', pass).print();
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/request ↓.*↑ response/);
    const order = ['timeout', 'headers', 'auth', 'cache', 'parse', 'transport'].map((name) =>
      lines.findIndex((line) => line.includes(`${name} (`)),
    );
    expect(order.every((index, i) => index > 0 && (i === 0 || index > order[i - 1]))).toBe(true);
    expect(text).toContain('auth (instance)');
    expect(text).toContain('transport (built-in)');
    // Every box that opens closes: one closing line per non-innermost step.
    expect(lines.filter((line) => line.includes('└')).length).toBe(5);
    expect(new Set(lines.slice(1).map((line) => line.length)).size).toBe(1);
  });
});

describe('the onion at run time', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  test('first registered is outermost; responses come back up in reverse order', async () => {
    const trace: string[] = [];
    const step =
      (name: string): Middleware =>
      async (_ctx, next) => {
        trace.push(`${name} down`);
        await next();
        trace.push(`${name} up`);
      };
    const sync = createSync().use('one', step('one')).use('two', step('two'));
    await sync('read', { url: server.url('/x') });
    expect(trace).toEqual(['one down', 'two down', 'two up', 'one up']);
  });

  test('a step that does not call next() short-circuits, and outer steps see its response', async () => {
    const seen: unknown[] = [];
    const before = server.requests.length;
    const sync = createSync()
      .use('outer', async (ctx, next) => {
        await next();
        seen.push(ctx.response?.body);
      })
      .use('answer', async (ctx) => {
        ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '', body: { short: true }, fromCache: true };
      });
    const body = await sync('read', { url: server.url('/never') });
    expect(body).toEqual({ short: true });
    expect(seen).toEqual([{ short: true }]);
    expect(server.requests.length).toBe(before);
  });

  test('the pipeline is composed once and rebuilt only after an edit', () => {
    const stack = new MiddlewareStack([{ name: 'a', middleware: pass, origin: 'instance' }]);
    const first = stack.pipeline();
    expect(stack.pipeline()).toBe(first);
    stack.add('b', pass);
    const second = stack.pipeline();
    expect(second).not.toBe(first);
    expect(stack.pipeline()).toBe(second);
    stack.clone().add('c', pass);
    expect(stack.pipeline()).toBe(second);
  });

  test('edits apply to calls that start afterwards', async () => {
    const sync = createSync();
    const calls: string[] = [];
    sync.use('mark', async (_ctx, next) => {
      calls.push('mark');
      await next();
    });
    await sync('read', { url: server.url('/x') });
    await sync('read', { url: server.url('/x') });
    sync.remove('mark');
    await sync('read', { url: server.url('/x') });
    expect(calls).toEqual(['mark', 'mark']);
  });

  test('the transport slot can be replaced by a fake transport', async () => {
    const sync = createSync().replace('transport', async (ctx) => {
      ctx.response = { status: 200, statusText: 'OK', headers: {}, text: '{"fake":1}', fromCache: false };
    });
    await expect(sync('read', { url: 'http://nowhere.invalid/x' })).resolves.toEqual({ fake: 1 });
  });

  test('a stack that finishes without a response fails with a clear error', async () => {
    const sync = createSync().replace('transport', async () => {});
    await expect(sync('read', { url: 'http://nowhere.invalid/x' })).rejects.toMatchObject({
      code: 'ERR_MIDDLEWARE',
      message: expect.stringContaining('no step set ctx.response'),
    });
  });

  test('an error thrown by a user step becomes a SyncError that keeps it as cause', async () => {
    const boom = new Error('boom');
    const sync = createSync().use('broken', () => {
      throw boom;
    });
    const error = await sync('read', { url: server.url('/x') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SyncError', code: 'ERR_MIDDLEWARE', message: 'boom', cause: boom });
  });
});
