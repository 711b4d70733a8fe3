import { getEventListeners } from 'node:events';
import Backbone from 'backbone';
import { createSync, SyncError, SyncHandle } from '../../lib/index';
import type { SyncOptions } from '../../lib/index';
import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';
import { until } from '../helpers/wait';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());
afterEach(() => {
  Backbone.emulateHTTP = false;
  Backbone.emulateJSON = false;
});

/** A plain object shaped like a Backbone model, for calling sync directly. */
function plainModel(url: string, attributes: Record<string, unknown> = { id: 1, title: 'Dune' }) {
  return { url, toJSON: () => ({ ...attributes }), trigger: jest.fn() };
}

describe('1. method map', () => {
  test.each([
    ['create', 'POST'],
    ['update', 'PUT'],
    ['patch', 'PATCH'],
    ['delete', 'DELETE'],
    ['read', 'GET'],
  ] as const)('%s goes out as %s', async (method, verb) => {
    await createSync()(method, plainModel(server.url('/items/1')));
    expect(server.last().method).toBe(verb);
  });

  test('an unknown method throws a TypeError naming it', () => {
    expect(() => createSync()('fetch' as never, plainModel(server.url('/x')))).toThrow(/Unknown sync method "fetch"/);
  });
});

describe('2. options are optional; emulate defaults come from Backbone', () => {
  test("sync('create', model) works without options", async () => {
    await expect(createSync()('create', plainModel(server.url('/items')))).resolves.toMatchObject({ method: 'POST' });
  });

  test('Backbone.emulateHTTP and Backbone.emulateJSON are the defaults; options override them', async () => {
    Backbone.emulateHTTP = true;
    Backbone.emulateJSON = true;
    const sync = createSync();
    await sync('update', plainModel(server.url('/items/1')));
    expect(server.last().method).toBe('POST');
    expect(server.last().headers['x-http-method-override']).toBe('PUT');
    await sync('update', plainModel(server.url('/items/1')), { emulateHTTP: false, emulateJSON: false });
    expect(server.last().method).toBe('PUT');
    expect(server.last().headers['content-type']).toBe('application/json');
  });
});

describe('3. URL', () => {
  test('options.url wins over the model url; a url function is called with the model as this', async () => {
    const sync = createSync();
    await sync('read', plainModel(server.url('/model')), { url: server.url('/override') });
    expect(server.last().path).toBe('/override');
    const model = {
      base: server.url('/from-function'),
      url(this: { base: string }) {
        return this.base;
      },
    };
    await sync('read', model);
    expect(server.last().path).toBe('/from-function');
  });

  test('with neither, the call throws synchronously, as Backbone does', () => {
    const { Model } = backboneWith();
    const before = server.requests.length;
    expect(() => createSync()('read', new Model())).toThrow(
      new Error('A "url" property or function must be specified'),
    );
    expect(() => new Model({ id: 1 }).fetch()).toThrow('A "url" property or function must be specified');
    expect(server.requests.length).toBe(before);
  });
});

describe('4. URL and body are read during the call', () => {
  test('save(attrs, { wait: true }) sends the new attributes, which the model only takes from the response', async () => {
    server.route('PUT /books/1', (req, res) => sendJSON(res, { ...JSON.parse(req.body), saved: true }));
    const { Model } = backboneWith({}, server.url('/books'));
    const book = new Model({ id: 1, title: 'Old' });
    const saving = book.save({ title: 'New' }, { wait: true });
    expect(book.get('title')).toBe('Old');
    await saving;
    expect(JSON.parse(server.last().body)).toEqual({ id: 1, title: 'New' });
    expect(book.get('title')).toBe('New');
    expect(book.get('saved')).toBe(true);
  });

  test('save(attrs, { patch: true }) sends only those attributes as PATCH', async () => {
    const { Model } = backboneWith({}, server.url('/books'));
    const book = new Model({ id: 2, title: 'Dune', author: 'Herbert' });
    await book.save({ year: 1965 }, { patch: true });
    expect(server.last().method).toBe('PATCH');
    expect(JSON.parse(server.last().body)).toEqual({ year: 1965 });
  });

  test('changing options.url after the call started changes nothing', async () => {
    const options: SyncOptions = { url: server.url('/first') };
    const call = createSync()('read', plainModel(server.url('/model')), options);
    options.url = server.url('/second');
    await call;
    expect(server.last().path).toBe('/first');
  });
});

describe('5. body and query', () => {
  test('create/update/patch send JSON of options.attrs || model.toJSON(options)', async () => {
    const sync = createSync();
    await sync('create', plainModel(server.url('/items'), { title: 'A' }));
    expect(server.last().headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.last().body)).toEqual({ title: 'A' });
    await sync('update', plainModel(server.url('/items/1')), { attrs: { only: 'this' } });
    expect(JSON.parse(server.last().body)).toEqual({ only: 'this' });
  });

  test('options.data is the query string for GET and DELETE (jQuery.param style), with no body', async () => {
    const sync = createSync();
    await sync('read', plainModel(server.url('/items?fixed=1')), { data: { q: 'a b', tags: ['x', 'y'], page: 2 } });
    const get = server.last();
    expect(get.body).toBe('');
    expect(get.query.get('fixed')).toBe('1');
    expect(get.query.get('q')).toBe('a b');
    expect(get.query.getAll('tags[]')).toEqual(['x', 'y']);
    expect(get.url).toContain('q=a+b');
    await sync('delete', plainModel(server.url('/items/1')), { data: { force: true } });
    expect(server.last().method).toBe('DELETE');
    expect(server.last().query.get('force')).toBe('true');
    expect(server.last().body).toBe('');
    expect(server.last().headers['content-length'] ?? '0').toBe('0');
  });

  test('options.data goes out as the body for POST/PUT/PATCH, as given, with no empty query string', async () => {
    const sync = createSync();
    await sync('create', plainModel(server.url('/items')), { data: 'raw=1', contentType: 'text/plain' });
    expect(server.last()).toMatchObject({ url: '/items', body: 'raw=1' });
    expect(server.last().headers['content-type']).toBe('text/plain');
    await sync('update', plainModel(server.url('/items/1')), { data: { a: 1, b: ['x'] } });
    expect(server.last().body).toBe('a=1&b%5B%5D=x');
    expect(server.last().headers['content-type']).toBe('application/x-www-form-urlencoded; charset=UTF-8');
    expect(server.last().url).toBe('/items/1');
  });

  test('a GET never sends a body or a content type', async () => {
    await createSync()('read', plainModel(server.url('/items')));
    expect(server.last().body).toBe('');
    expect(server.last().headers['content-type']).toBeUndefined();
  });
});

describe('6. emulateJSON and emulateHTTP', () => {
  test('emulateJSON form-encodes the body as model=<json>', async () => {
    await createSync()('create', plainModel(server.url('/items'), { title: 'A' }), { emulateJSON: true });
    const seen = server.last();
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen.body).get('model')).toBe('{"title":"A"}');
  });

  test.each(['PUT', 'PATCH', 'DELETE'])('emulateHTTP sends %s as POST with X-HTTP-Method-Override', async (verb) => {
    const method = ({ PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as const)[verb as 'PUT'];
    await createSync()(method, plainModel(server.url('/items/1')), { emulateHTTP: true });
    expect(server.last().method).toBe('POST');
    expect(server.last().headers['x-http-method-override']).toBe(verb);
  });

  test('emulateHTTP with emulateJSON also sends _method in the form', async () => {
    await createSync()('update', plainModel(server.url('/items/1'), { id: 1 }), {
      emulateHTTP: true,
      emulateJSON: true,
    });
    const form = new URLSearchParams(server.last().body);
    expect(server.last().method).toBe('POST');
    expect(form.get('_method')).toBe('PUT');
    expect(form.get('model')).toBe('{"id":1}');
  });

  test('emulateHTTP leaves GET and POST alone', async () => {
    await createSync()('read', plainModel(server.url('/items/1')), { emulateHTTP: true });
    expect(server.last().method).toBe('GET');
    expect(server.last().headers['x-http-method-override']).toBeUndefined();
  });
});

describe('7. beforeSend', () => {
  test('runs before sending, with this = options.context, the handle and the settings', async () => {
    const context = { name: 'ctx' };
    const beforeSend = jest.fn(function (this: unknown, xhr: SyncHandle, settings: { url: string; type: string }) {
      expect(this).toBe(context);
      expect(xhr).toBeInstanceOf(SyncHandle);
      expect(settings).toMatchObject({ type: 'GET', url: server.url('/items'), dataType: 'json' });
      xhr.setRequestHeader('X-From-BeforeSend', 'yes');
    });
    await createSync()('read', plainModel(server.url('/items')), { beforeSend, context });
    expect(beforeSend).toHaveBeenCalledTimes(1);
    expect(server.last().headers['x-from-beforesend']).toBe('yes');
  });

  test('returning false cancels: no request, no callbacks, a canceled rejection that is never unhandled', async () => {
    const before = server.requests.length;
    const success = jest.fn();
    const error = jest.fn();
    const complete = jest.fn();
    const xhr = createSync()('read', plainModel(server.url('/items')), {
      beforeSend: () => false,
      success,
      error,
      complete,
    });
    const outcome = await xhr.catch((e: SyncError) => e);
    expect(outcome).toBeInstanceOf(SyncError);
    expect(outcome).toMatchObject({ textStatus: 'canceled', code: 'ERR_CANCELED', status: 0 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.length).toBe(before);
    expect([success, error, complete].map((f) => f.mock.calls.length)).toEqual([0, 0, 0]);
  });
});

describe('9b. the request event comes before any callback, even for a call that ends at once', () => {
  function ordered(start: (options: SyncOptions, order: string[]) => SyncHandle) {
    const order: string[] = [];
    const options: SyncOptions = {
      error: (_xhr, textStatus) => order.push(`error ${textStatus}`),
      complete: () => order.push('complete'),
    };
    const xhr = start(options, order);
    order.push('sync returned');
    return { xhr, order };
  }

  test('an already aborted signal: request, then error and complete', async () => {
    const model = plainModel(server.url('/items'));
    const { xhr, order } = ordered((options, log) => {
      model.trigger.mockImplementation((name: string) => log.push(`event ${name}`));
      return createSync()('read', model, { ...options, signal: AbortSignal.abort() });
    });
    await xhr.catch(() => {});
    expect(order).toEqual(['event request', 'error abort', 'complete', 'sync returned']);
  });

  test('a step that aborts synchronously: request, then the callbacks', async () => {
    const model = plainModel(server.url('/items'));
    const sync = createSync().use('abort-at-once', (ctx) => {
      ctx.abort(new SyncError('ERR_ABORTED', 'stop'));
      return Promise.resolve();
    });
    const { xhr, order } = ordered((options, log) => {
      model.trigger.mockImplementation((name: string) => log.push(`event ${name}`));
      return sync('read', model, options);
    });
    await xhr.catch(() => {});
    expect(order.indexOf('event request')).toBeLessThan(order.indexOf('error abort'));
    expect(order.filter((entry) => entry.startsWith('error'))).toHaveLength(1);
  });

  test("abort() in a 'request' handler: the callbacks run inside it, once, and nothing is sent", async () => {
    const before = server.requests.length;
    const model = plainModel(server.url('/items'));
    const { xhr, order } = ordered((options, log) => {
      model.trigger.mockImplementation((name: string, _model: unknown, handle: SyncHandle) => {
        log.push(`event ${name}`);
        handle.abort();
        log.push('abort returned');
      });
      return createSync()('read', model, options);
    });
    await xhr.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(order).toEqual(['event request', 'error abort', 'complete', 'abort returned', 'sync returned']);
    expect(server.requests.length).toBe(before);
  });

  test("a 'request' handler that throws: sync() throws it, as Backbone would, and the call still runs and settles", async () => {
    const model = plainModel(server.url('/items'));
    model.trigger.mockImplementation(() => {
      throw new Error('handler bug');
    });
    const success = jest.fn();
    expect(() => createSync()('read', model, { success })).toThrow('handler bug');
    await until(() => success.mock.calls.length === 1);
    expect(success.mock.calls[0][0]).toEqual({ method: 'GET', url: '/items', body: null });
  });

  test('abort() inside beforeSend cancels, as in jQuery: no request, no callback', async () => {
    const before = server.requests.length;
    const { xhr, order } = ordered((options) =>
      createSync()('read', plainModel(server.url('/items')), {
        ...options,
        beforeSend: (handle: SyncHandle) => void handle.abort(),
      }),
    );
    await expect(xhr).rejects.toMatchObject({ textStatus: 'canceled' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(order).toEqual(['sync returned']);
    expect(server.requests.length).toBe(before);
  });
});

describe('8. callbacks', () => {
  test('success(data, textStatus, xhr) then complete(xhr, textStatus), with this = options.context', async () => {
    const context = {};
    const order: string[] = [];
    const calls: unknown[][] = [];
    const xhr = createSync()('read', plainModel(server.url('/items')), {
      context,
      success(this: unknown, ...args: unknown[]) {
        order.push('success');
        calls.push([this, ...args]);
      },
      complete(this: unknown, ...args: unknown[]) {
        order.push('complete');
        calls.push([this, ...args]);
      },
    });
    await xhr;
    expect(order).toEqual(['success', 'complete']);
    expect(calls[0]).toEqual([context, { method: 'GET', url: '/items', body: null }, 'success', xhr]);
    expect(calls[1]).toEqual([context, xhr, 'success']);
  });

  test('error(xhr, textStatus, errorThrown) gets the SyncError; options.textStatus/errorThrown are set first', async () => {
    server.json('/missing', { error: 'nope' }, 404);
    const context = {};
    const options: SyncOptions = { context };
    const seen: unknown[] = [];
    options.error = function (this: unknown, xhr, textStatus, errorThrown) {
      seen.push(this, xhr, textStatus, errorThrown, options.textStatus, options.errorThrown);
    };
    options.complete = jest.fn();
    const success = (options.success = jest.fn());
    const rejection = await createSync()('read', plainModel(server.url('/missing')), options).catch((e) => e);
    expect(seen[0]).toBe(context);
    expect(seen[1]).toBe(rejection);
    expect(seen.slice(2)).toEqual(['error', 'Not Found', 'error', 'Not Found']);
    expect(options.complete).toHaveBeenCalledWith(rejection, 'error');
    expect(success).not.toHaveBeenCalled();
    const error = rejection as SyncError;
    expect(error.message).toBe('Not Found');
    expect(error.status).toBe(404);
    expect(error.responseJSON).toEqual({ error: 'nope' });
  });
});

describe('9. options.xhr and the request event', () => {
  test('options.xhr is set and request fires with (model, xhr, options) before sync returns', () => {
    const model = plainModel(server.url('/items'));
    const options: SyncOptions = {};
    let xhrAtEvent: unknown;
    model.trigger.mockImplementation(() => {
      xhrAtEvent = options.xhr;
    });
    const xhr = createSync()('read', model, options);
    expect(model.trigger).toHaveBeenCalledWith('request', model, xhr, options);
    expect(xhrAtEvent).toBe(xhr);
    expect(options.xhr).toBe(xhr);
    return xhr;
  });
});

describe('10. the returned handle', () => {
  test('is a native Promise of the body with jqXHR fields after success, and options.res', async () => {
    server.json('/with-headers', { a: 1 }, 200, { 'X-Total-Count': '42' });
    const options: SyncOptions = {};
    const xhr = createSync()('read', plainModel(server.url('/with-headers')), options);
    expect(xhr).toBeInstanceOf(Promise);
    expect(xhr.readyState).toBe(1);
    await expect(xhr).resolves.toEqual({ a: 1 });
    expect(xhr.readyState).toBe(4);
    expect(xhr.status).toBe(200);
    expect(xhr.statusText).toBe('OK');
    expect(xhr.responseText).toBe('{"a":1}');
    expect(xhr.responseJSON).toEqual({ a: 1 });
    expect(xhr.getResponseHeader('x-total-count')).toBe('42');
    expect(xhr.getResponseHeader('X-TOTAL-COUNT')).toBe('42');
    expect(xhr.getResponseHeader('x-absent')).toBeNull();
    expect(xhr.getAllResponseHeaders()).toMatch(/^x-total-count: 42\r$/m);
    expect(options.res).toMatchObject({ status: 200, headers: { 'x-total-count': '42' } });
    // Derived promises are plain ones.
    expect(xhr.then(() => 1)).not.toBeInstanceOf(SyncHandle);
  });

  test('done, fail and always are chainable and get jQuery arguments', async () => {
    const done = jest.fn();
    const always = jest.fn();
    const ok = createSync()('read', plainModel(server.url('/items')));
    expect(ok.done(done).always(always)).toBe(ok);
    await ok;
    await Promise.resolve();
    expect(done).toHaveBeenCalledWith({ method: 'GET', url: '/items', body: null }, 'success', ok);
    expect(always).toHaveBeenCalledTimes(1);

    server.json('/gone', {}, 410);
    const fail = jest.fn();
    const alwaysOnFail = jest.fn();
    const bad = createSync()('read', plainModel(server.url('/gone')));
    bad.fail(fail).always(alwaysOnFail);
    const error = await bad.catch((e) => e);
    expect(fail).toHaveBeenCalledWith(error, 'error', 'Gone');
    expect(alwaysOnFail).toHaveBeenCalledWith(error, 'error', 'Gone');
  });
});

describe('11. errors', () => {
  test('an HTTP error is a SyncError with the xhr-like fields, method and url', async () => {
    server.json('POST /fails', { reason: 'invalid' }, 422);
    const error = (await createSync()('create', plainModel(server.url('/fails'))).catch((e) => e)) as SyncError;
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'SyncError',
      code: 'ERR_HTTP',
      textStatus: 'error',
      status: 422,
      statusText: 'Unprocessable Entity',
      message: 'Unprocessable Entity',
      method: 'POST',
      url: server.url('/fails'),
      responseText: '{"reason":"invalid"}',
      responseJSON: { reason: 'invalid' },
      readyState: 4,
    });
    expect(error.getResponseHeader('Content-Type')).toBe('application/json');
  });

  test('a timeout says "timeout of <N>ms" in lower case, with status 0', async () => {
    server.route('/slow', (_req, res) => {
      const timer = setTimeout(() => sendJSON(res, {}), 2000);
      res.on('close', () => clearTimeout(timer));
    });
    const error = (await createSync()('read', plainModel(server.url('/slow')), { timeout: 50 }).catch(
      (e) => e,
    )) as SyncError;
    expect(error.message.match('timeout')).toBeTruthy();
    expect(error.message).toContain('timeout of 50ms');
    expect(error).toMatchObject({ textStatus: 'timeout', status: 0, code: 'ERR_TIMEOUT', readyState: 0 });
  });

  test('sync.timeout applies when the call gives none; 0 means no deadline', async () => {
    server.route('/slowish', (_req, res) => setTimeout(() => sendJSON(res, { late: true }), 150));
    const sync = createSync({ timeout: 50 });
    await expect(sync('read', plainModel(server.url('/slowish')))).rejects.toMatchObject({ textStatus: 'timeout' });
    await expect(sync('read', plainModel(server.url('/slowish')), { timeout: 0 })).resolves.toEqual({ late: true });
  });

  test("a network failure keeps Node's message and has status 0", async () => {
    const error = (await createSync()('read', plainModel('http://127.0.0.1:1/x')).catch((e) => e)) as SyncError;
    expect(error.message).toContain('ECONNREFUSED');
    expect(error).toMatchObject({ code: 'ERR_NETWORK', textStatus: 'error', status: 0, readyState: 0 });
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  test('bad timeouts throw a TypeError naming the option', () => {
    const sync = createSync();
    for (const timeout of [-1, NaN, 2 ** 31, '100']) {
      expect(() => sync('read', plainModel(server.url('/x')), { timeout: timeout as number })).toThrow(
        /timeout must be a number of ms/,
      );
    }
  });
});

describe('12. empty bodies, invalid JSON, 304', () => {
  test.each([204, 205])('%i succeeds with no body', async (status) => {
    server.route(`/status-${status}`, (_req, res) => {
      res.writeHead(status);
      res.end();
    });
    const success = jest.fn();
    await expect(createSync()('delete', plainModel(server.url(`/status-${status}`)), { success })).resolves.toBe(
      undefined,
    );
    expect(success).toHaveBeenCalledWith(undefined, status === 204 ? 'nocontent' : 'success', expect.anything());
  });

  test('an empty 200 body succeeds with no body and no parse error', async () => {
    server.route('/empty', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    });
    await expect(createSync()('read', plainModel(server.url('/empty')))).resolves.toBeUndefined();
  });

  test("invalid JSON on a 2xx fails with textStatus 'parsererror', keeping the text", async () => {
    server.route('/broken', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated": ');
    });
    const error = (await createSync()('read', plainModel(server.url('/broken'))).catch((e) => e)) as SyncError;
    expect(error).toMatchObject({ textStatus: 'parsererror', code: 'ERR_PARSE', status: 200 });
    expect(error.responseText).toBe('{"truncated": ');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test("a 304 succeeds with textStatus 'notmodified'", async () => {
    server.route('/etag', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
      } else sendJSON(res, { v: 1 }, 200, { etag: '"v1"' });
    });
    const success = jest.fn();
    await createSync()('read', plainModel(server.url('/etag')), { headers: { 'If-None-Match': '"v1"' }, success });
    expect(success).toHaveBeenCalledWith(undefined, 'notmodified', expect.anything());
  });

  test("dataType 'text' keeps the body a string", async () => {
    server.route('/plain', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
    });
    await expect(createSync()('read', plainModel(server.url('/plain')), { dataType: 'text' })).resolves.toBe('hello');
  });
});

describe('13. abort', () => {
  function hangingRoute(path: string) {
    const closed = new Promise<void>((resolve) => {
      server.route(path, (_req, res) => {
        res.on('close', () => resolve());
      });
    });
    return closed;
  }

  async function untilRequestSeen(path: string) {
    for (let i = 0; i < 200 && !server.requests.some((r) => r.path === path); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  test("xhr.abort() fails the call with textStatus 'abort' and status 0, and the server sees the connection close", async () => {
    const closed = hangingRoute('/hang-abort');
    const error = jest.fn();
    const complete = jest.fn();
    const xhr = createSync()('read', plainModel(server.url('/hang-abort')), { error, complete });
    await untilRequestSeen('/hang-abort');
    xhr.abort();
    const outcome = (await xhr.catch((e) => e)) as SyncError;
    expect(outcome).toMatchObject({ textStatus: 'abort', status: 0, code: 'ERR_ABORTED' });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][1]).toBe('abort');
    expect(complete).toHaveBeenCalledTimes(1);
    await closed;
    xhr.abort();
    expect(error).toHaveBeenCalledTimes(1);
  });

  test('xhr.abort() runs error and complete before it returns, as jqXHR.abort() does', async () => {
    const closed = hangingRoute('/hang-abort-sync');
    const order: string[] = [];
    const xhr = createSync()('read', plainModel(server.url('/hang-abort-sync')), {
      error: (_xhr: unknown, textStatus: string) => order.push(`error ${textStatus}`),
      complete: () => order.push('complete'),
    });
    await untilRequestSeen('/hang-abort-sync');
    xhr.abort();
    order.push('abort returned');
    expect(order).toEqual(['error abort', 'complete', 'abort returned']);
    await xhr.catch(() => {});
    await closed;
  });

  test('options.signal aborts the call the same way, and an already aborted signal never sends', async () => {
    const closed = hangingRoute('/hang-signal');
    const controller = new AbortController();
    const xhr = createSync()('read', plainModel(server.url('/hang-signal')), { signal: controller.signal });
    await untilRequestSeen('/hang-signal');
    controller.abort();
    await expect(xhr).rejects.toMatchObject({ textStatus: 'abort', status: 0 });
    await closed;

    const before = server.requests.length;
    await expect(
      createSync()('read', plainModel(server.url('/never-sent')), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ textStatus: 'abort' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests.length).toBe(before);
  });

  test('a long-lived signal keeps no listener per finished call', async () => {
    const controller = new AbortController();
    const sync = createSync();
    for (let i = 0; i < 5; i++) await sync('read', plainModel(server.url('/items')), { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('15. Backbone model and collection flows', () => {
  test('fetch, save new (POST), save existing (PUT), patch, destroy fire the documented events', async () => {
    const store: Record<string, unknown> = {};
    server.route('POST /flow', (req, res) => sendJSON(res, { ...JSON.parse(req.body), id: 7 }, 201));
    server.route('GET /flow/7', (_req, res) => sendJSON(res, { id: 7, ...(store as object), fetched: true }));
    server.route('PUT /flow/7', (req, res) => sendJSON(res, JSON.parse(req.body)));
    server.route('PATCH /flow/7', (req, res) => sendJSON(res, { id: 7, ...JSON.parse(req.body) }));
    server.route('DELETE /flow/7', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const { Model } = backboneWith({}, server.url('/flow'));
    const model = new Model({ title: 'New' });
    const events = recordEvents(model);

    await model.save();
    expect(model.id).toBe(7);
    await model.fetch();
    expect(model.get('fetched')).toBe(true);
    await model.save({ title: 'Renamed' });
    await model.save({ year: 2001 }, { patch: true });
    await model.destroy();
    const names = events.map(([name]) => name).filter((name) => ['request', 'sync', 'destroy'].includes(name));
    expect(names).toEqual([
      'request',
      'sync',
      'request',
      'sync',
      'request',
      'sync',
      'request',
      'sync',
      'request',
      'destroy',
      'sync',
    ]);
    const requestEvent = events.find(([name]) => name === 'request')!;
    expect(requestEvent[1]).toBe(model);
    expect(requestEvent[2]).toBeInstanceOf(SyncHandle);
    expect(server.requests.slice(-5).map((r) => r.method)).toEqual(['POST', 'GET', 'PUT', 'PATCH', 'DELETE']);
  });

  test('destroying a new model never calls sync', async () => {
    const { Model, sync } = backboneWith({}, server.url('/flow'));
    const spy = jest.fn(sync);
    const model = new Model({ title: 'never saved' });
    model.sync = spy;
    const destroyed = jest.fn();
    model.on('destroy', destroyed);
    expect(model.destroy()).toBe(false);
    expect(spy).not.toHaveBeenCalled();
    expect(destroyed).toHaveBeenCalledTimes(1);
  });

  test("an HTTP error fires 'error' with (model, SyncError, options) and leaves attributes alone", async () => {
    server.json('GET /broken-model/1', { error: 'down' }, 503);
    const { Model } = backboneWith({}, server.url('/broken-model'));
    const model = new Model({ id: 1, title: 'kept' });
    const onError = jest.fn();
    model.on('error', onError);
    const errorOption = jest.fn();
    await model.fetch({ error: errorOption }).catch(() => {});
    expect(onError).toHaveBeenCalledTimes(1);
    const [m, err, opts] = onError.mock.calls[0];
    expect(m).toBe(model);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.status).toBe(503);
    expect(opts.textStatus).toBe('error');
    expect(errorOption).toHaveBeenCalledWith(model, err, opts);
    expect(model.get('title')).toBe('kept');
  });

  test('collection.fetch with data as query string, reset and set', async () => {
    server.route('GET /books', (req, res) =>
      sendJSON(res, [
        { id: 1, q: req.query.get('q') },
        { id: 2, q: req.query.get('q') },
      ]),
    );
    const { Collection } = backboneWith({}, server.url('/books'));
    const books = new Collection([{ id: 9 }]);
    const events = recordEvents(books);
    await books.fetch({ data: { q: 'dune' } });
    expect(server.last().url).toBe('/books?q=dune');
    expect(books.pluck('id')).toEqual([1, 2]);
    expect(books.pluck('q')).toEqual(['dune', 'dune']);
    expect(events.map(([name]) => name)).toEqual(
      expect.arrayContaining(['request', 'remove', 'add', 'update', 'sync']),
    );

    const resetEvents = recordEvents(books);
    await books.fetch({ reset: true });
    expect(resetEvents.map(([name]) => name)).toEqual(['request', 'reset', 'sync']);
  });

  test('collection.create with and without wait', async () => {
    let nextId = 100;
    server.route('POST /books', (req, res) => sendJSON(res, { ...JSON.parse(req.body), id: nextId++ }, 201));
    const { Collection } = backboneWith({}, server.url('/books'));
    const books = new Collection();
    const added = jest.fn();
    books.on('add', added);
    const eager = books.create({ title: 'eager' });
    expect(books.length).toBe(1);
    await new Promise<void>((resolve) => eager.once('sync', () => resolve()));
    expect(eager.id).toBe(100);

    const waited = books.create({ title: 'waited' }, { wait: true });
    expect(books.length).toBe(1);
    await new Promise<void>((resolve) => waited.once('sync', () => resolve()));
    expect(books.length).toBe(2);
    expect(added).toHaveBeenCalledTimes(2);
  });
});
