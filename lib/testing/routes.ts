import type { Headers, HttpMethod } from '../types';

/** What a route answers: a response, a network error, or no answer at all (the call's own timeout ends it). */
export interface MockReply {
  /** @default 200 */
  status?: number;
  /** An object or array is sent as JSON (with `content-type: application/json`); a string as it is. */
  body?: unknown;
  headers?: Headers;
  /** Milliseconds before the answer. */
  delay?: number;
  /** Fails the call as a network error would (`ERR_NETWORK`), with this message. */
  networkError?: string;
  /** Never answers: the call's `timeout` (or an abort) ends it. */
  timeout?: boolean;
}

/** A request as a route sees it, and as `mock.calls` records it. */
export interface MockRequest {
  method: HttpMethod;
  /** The URL as the transport would send it. */
  url: string;
  path: string;
  query: Record<string, string | string[]>;
  /** `:name` segments of the matched path. */
  params: Record<string, string>;
  headers: Headers;
  /** The body parsed as JSON when it is JSON, else as sent (a string), or undefined. */
  body: unknown;
}

export type MockResponder = MockReply | ((request: MockRequest) => MockReply | Promise<MockReply>);

export interface MockRoute {
  /** Any method when absent. */
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** `/books/:id` (each `:name` matches one segment), or a RegExp tested on the path with its query. */
  path: string | RegExp;
  /** One answer for every call, or answers in turn (the last one repeats): `[{ status: 401 }, { body }]`. */
  reply: MockResponder | MockResponder[];
}

/** A route made ready: its matcher, and its answers in turn. */
export class CompiledRoute {
  readonly method: HttpMethod | undefined;
  private readonly pattern: RegExp;
  private readonly names: string[] = [];
  private readonly replies: MockResponder[];
  private served = 0;

  constructor(readonly route: MockRoute) {
    if (route === null || typeof route !== 'object') throw new TypeError('mockTransport: each route must be an object');
    const { method, path, reply } = route;
    if (method !== undefined && (typeof method !== 'string' || (method as string) === '')) {
      throw new TypeError(`mockTransport: a route's method must be a string, got ${String(method)}`);
    }
    this.method = method?.toUpperCase() as HttpMethod | undefined;
    if (path instanceof RegExp) this.pattern = path;
    else if (typeof path === 'string' && path.startsWith('/')) this.pattern = this.compile(path);
    else throw new TypeError(`mockTransport: a route's path must start with / or be a RegExp, got ${String(path)}`);
    this.replies = Array.isArray(reply) ? reply : [reply];
    if (
      this.replies.length === 0 ||
      this.replies.some((one) => one === null || !['object', 'function'].includes(typeof one))
    ) {
      throw new TypeError('mockTransport: a route needs a reply (an object, a function, or a list of them)');
    }
  }

  /** The `:params` when the route answers this request, else undefined. */
  match(method: HttpMethod, path: string, pathWithQuery: string): Record<string, string> | undefined {
    if (this.method !== undefined && this.method !== method) return undefined;
    if (this.route.path instanceof RegExp) return this.pattern.test(pathWithQuery) ? {} : undefined;
    const found = this.pattern.exec(path);
    if (!found) return undefined;
    const params: Record<string, string> = {};
    this.names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1])));
    return params;
  }

  nextReply(): MockResponder {
    const reply = this.replies[Math.min(this.served, this.replies.length - 1)];
    this.served++;
    return reply;
  }

  reset(): void {
    this.served = 0;
  }

  describe(): string {
    return `${this.method ?? '*'} ${String(this.route.path)}`;
  }

  private compile(path: string): RegExp {
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        this.names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return new RegExp(`^${source}/?$`);
  }
}
