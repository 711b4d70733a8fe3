import Backbone from 'backbone';
import { createSync } from '../../lib/index';
import type { Middleware } from '../../lib/index';
import { MiddlewareStack } from '../../lib/stack';
import { dedupe, headers, retry } from '../../middleware/index';
import { TestServer } from '../helpers/test-server';

describe('per-request steps (options.middleware)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.close());

  const tracer = (trace: string[], name: string): Middleware => {
    const step: Middleware = async (_ctx, next) => {
      trace.push(name);
      await next();
    };
    Object.defineProperty(step, 'name', { value: name });
    return step;
  };

  test('run for that call only, after the instance steps, just before cache', async () => {
    const trace: string[] = [];
    const sync = createSync().use(tracer(trace, 'instance')).use('at-cache', tracer(trace, 'cache-side'), {
      after: 'cache',
    });
    await sync('read', { url: server.url('/a') }, { middleware: [tracer(trace, 'one'), tracer(trace, 'two')] });
    expect(trace).toEqual(['instance', 'one', 'two', 'cache-side']);
    trace.length = 0;
    await sync('read', { url: server.url('/a') });
    expect(trace).toEqual(['instance', 'cache-side']);
    expect(sync.steps()).not.toContain('one');
  });

  test('through Backbone: model.fetch({ middleware }) adds a header to that fetch only', async () => {
    const sync = createSync();
    const Book = Backbone.Model.extend({ urlRoot: server.url('/books'), sync });
    const book = new Book({ id: 1 });
    await book.fetch({ middleware: [headers({ 'x-trace-id': 'abc' })] });
    expect(server.last().headers['x-trace-id']).toBe('abc');
    await book.fetch();
    expect(server.last().headers['x-trace-id']).toBeUndefined();
  });

  test('a bad options.middleware throws a TypeError when the call is made, and nothing is sent', () => {
    const sync = createSync();
    const before = server.requests.length;
    expect(() => sync('read', { url: server.url('/a') }, { middleware: headers({}) as never })).toThrow(
      'options.middleware must be an array of middleware functions, got function',
    );
    expect(() => sync('read', { url: server.url('/a') }, { middleware: ['x'] as never })).toThrow(TypeError);
    expect(server.requests.length).toBe(before);
  });

  test('per-request steps follow order declarations, and print({ middleware }) shows where they go', () => {
    const sync = createSync().use('audit', (_ctx, next) => next());
    const picture = sync.print({ middleware: [retry(), dedupe()] });
    const order = ['timeout (built-in)', 'audit (instance)', 'retry (per-request)', 'cache (built-in)'];
    order.push('parse (built-in)', 'dedupe (per-request)', 'transport (built-in)');
    const at = order.map((label) => picture.indexOf(label));
    expect(at.every((index, i) => index !== -1 && (i === 0 || index > at[i - 1]))).toBe(true);
    expect(sync.print()).not.toContain('per-request');
  });

  test('a per-request step named like an instance step gets a free name', async () => {
    const sync = createSync().use(retry({ minDelay: 1 }));
    expect(sync.print({ middleware: [retry({ minDelay: 1 })] })).toContain('retry-2 (per-request)');
  });

  test('calls without options.middleware reuse the cached pipeline and compose nothing', async () => {
    const spy = jest.spyOn(MiddlewareStack.prototype, 'withRequestSteps');
    try {
      const sync = createSync();
      await sync('read', { url: server.url('/a') }, {});
      await sync('read', { url: server.url('/a') });
      expect(spy).not.toHaveBeenCalled();
      await sync('read', { url: server.url('/a') }, { middleware: [] });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
