import { onAbort } from '../context';
import { SyncError } from '../errors';
import { statusTextOf } from '../runtime';
import { wireUrl } from '../wire-url';
import type { Headers, Middleware, SyncContext, SyncResponse } from '../types';
import { CompiledRoute, type MockReply, type MockRequest, type MockRoute } from './routes';

/** The transport step `mockTransport()` returns: a step, plus what it saw. */
export interface MockTransport extends Middleware {
  /** Every request that reached it, in order (matched or not). */
  readonly calls: MockRequest[];
  /** Forgets the calls and starts every route's answers from the first again. */
  reset(): void;
}

/**
 * A `transport` step that answers from `routes` instead of the network, so that every other step (headers,
 * auth, retry, cache, parse, the app's own) still runs: `sync.replace('transport', mockTransport(routes))`.
 * Needs no server, in Node or in the browser. An unmatched request fails the call, naming the routes.
 * @example
 * const mock = mockTransport([{ method: 'GET', path: '/books/:id', reply: (req) => ({ body: { id: req.params.id } }) }]);
 * const sync = createSync().replace('transport', mock);
 */
export function mockTransport(routes: readonly MockRoute[]): MockTransport {
  if (!Array.isArray(routes)) throw new TypeError('mockTransport(routes) takes an array of routes');
  const compiled = routes.map((route) => new CompiledRoute(route));
  const calls: MockRequest[] = [];
  const step = function transport(ctx: SyncContext): Promise<void> {
    const request = recorded(ctx);
    calls.push(request);
    const { path, pathWithQuery } = pathsOf(request.url);
    for (const route of compiled) {
      const params = route.match(request.method, path, pathWithQuery);
      if (params === undefined) continue;
      request.params = params;
      return answer(ctx, request, route);
    }
    const known = compiled.map((route) => `  ${route.describe()}`).join('\n') || '  (none)';
    return Promise.reject(
      new SyncError(
        'ERR_MIDDLEWARE',
        `mockTransport: no route for ${request.method} ${pathWithQuery}; routes:\n${known}`,
        {
          method: request.method,
          url: request.url,
        },
      ),
    );
  } as unknown as MockTransport;
  Object.defineProperty(step, 'calls', { value: calls, enumerable: true });
  step.reset = () => {
    calls.length = 0;
    for (const route of compiled) route.reset();
  };
  return step;
}

async function answer(ctx: SyncContext, request: MockRequest, route: CompiledRoute): Promise<void> {
  const responder = route.nextReply();
  const reply: MockReply = typeof responder === 'function' ? await responder(request) : responder;
  if (reply === null || typeof reply !== 'object') {
    throw new TypeError(`mockTransport: the route ${route.describe()} answered ${String(reply)}, not a reply object`);
  }
  await waitFor(ctx, reply);
  if (reply.networkError !== undefined) {
    throw new SyncError('ERR_NETWORK', reply.networkError, { method: request.method, url: request.url });
  }
  ctx.response = responseOf(reply);
}

/** The delay, or forever for `timeout`; an abort (the call's timeout, `xhr.abort()`) ends the wait at once. */
function waitFor(ctx: SyncContext, reply: MockReply): Promise<void> {
  const ms = reply.timeout ? Infinity : (reply.delay ?? 0);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer =
      ms === Infinity
        ? undefined
        : setTimeout(() => {
            stop();
            resolve();
          }, ms);
    const stop = onAbort(ctx, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}

function responseOf(reply: MockReply): SyncResponse {
  const status = reply.status ?? 200;
  const headers: Headers = {};
  for (const name in reply.headers) headers[name.toLowerCase()] = String(reply.headers[name]);
  let text = '';
  if (typeof reply.body === 'string') text = reply.body;
  else if (reply.body !== undefined) {
    text = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  return { status, statusText: statusTextOf(status, undefined), headers, text, body: undefined, fromCache: false };
}

function recorded(ctx: SyncContext): MockRequest {
  const { request } = ctx;
  const url = wireUrl(request);
  const headers: Headers = {};
  for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name];
  const { path, query } = pathsOf(url);
  return { method: request.method, url, path, query, params: {}, headers, body: bodyOf(request.body, headers) };
}

function pathsOf(url: string): { path: string; pathWithQuery: string; query: Record<string, string | string[]> } {
  // Relative URLs (a browser app's) are read against a placeholder origin: only the path matters here.
  const parsed = new URL(url, 'http://mock.invalid');
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of parsed.searchParams) {
    const known = query[name];
    query[name] = known === undefined ? value : ([] as string[]).concat(known, value);
  }
  return { path: parsed.pathname, pathWithQuery: parsed.pathname + parsed.search, query };
}

function bodyOf(body: string | undefined, headers: Headers): unknown {
  if (body === undefined) return undefined;
  if (!/json/i.test(headers['content-type'] ?? '')) return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
