import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** True once the client closed the connection before the server answered (an abort, a timeout). */
  abandoned: boolean;
}

export type RouteHandler = (req: SeenRequest, res: ServerResponse) => void;
/** Answers on the connection itself, bytes as they are: `head` is the request head as received (latin1). */
export type RawHandler = (socket: Socket, head: string) => void;

/**
 * A real `node:http` server on 127.0.0.1 that records every request and tracks its sockets. Routes are matched on
 * `METHOD /path` or `/path` (any method); unmatched requests get the default JSON echo. A raw route answers on
 * the socket, for what `node:http` will not do: stall, cut a body short, lie in Content-Length, reset.
 */
export class TestServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, RouteHandler>();
  private fallbackHandler: RouteHandler | undefined;
  private readonly waiters: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  private readonly rawRoutes = new Map<string, RawHandler>();
  connections = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<TestServer> {
    const server = http.createServer();
    const instance = new TestServer(server);
    server.on('connection', (socket) => {
      instance.connections++;
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    server.on('request', (req, res) => instance.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return this.origin + path;
  }

  route(key: string, handler: RouteHandler): this {
    this.routes.set(key, handler);
    return this;
  }

  /**
   * Answers requests to `path` on their socket (the handler writes the response bytes itself, or never
   * does). Use `connection: close`, or end the socket: the server reads nothing more from it.
   */
  raw(path: string, handler: RawHandler): this {
    this.rawRoutes.set(path, handler);
    return this;
  }

  /** Connections open now (a client that dropped its socket, or a route that closed it, no longer counts). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Answers `key` with a JSON body and status. */
  json(key: string, body: unknown, status = 200, headers: http.OutgoingHttpHeaders = {}): this {
    return this.route(key, (_req, res) => sendJSON(res, body, status, headers));
  }

  /** Answers every request no route matches (instead of the JSON echo): a whole API on this server. */
  fallback(handler: RouteHandler): this {
    this.fallbackHandler = handler;
    return this;
  }

  /** The requests to `path` (any query), in order. */
  seen(path: string): SeenRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Resolves once a request matching `test` has arrived. */
  async waitFor(test: (request: SeenRequest) => boolean): Promise<SeenRequest> {
    for (;;) {
      const found = this.requests.find(test);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  last(): SeenRequest {
    const request = this.requests[this.requests.length - 1];
    if (!request) throw new Error('the test server has seen no request');
    return request;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const parsed = parseTarget(req.url ?? '/');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body,
        abandoned: false,
      };
      this.requests.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) seen.abandoned = true;
      });
      for (const wake of this.waiters.splice(0)) wake();
      const raw = this.rawRoutes.get(seen.path);
      if (raw) {
        raw(req.socket, rawHead(req));
        return;
      }
      const handler =
        this.routes.get(`${seen.method} ${seen.path}`) ?? this.routes.get(seen.path) ?? this.fallbackHandler;
      if (handler) handler(seen, res);
      else sendJSON(res, { method: seen.method, url: seen.url, body: seen.body ? tryJSON(seen.body) : null });
    });
  }
}

export function sendJSON(res: ServerResponse, body: unknown, status = 200, headers: http.OutgoingHttpHeaders = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request target as a URL; odd targets (`//x`, `/%`) still give a path instead of throwing. */
function parseTarget(target: string): URL {
  try {
    return new URL(target.startsWith('/') ? `http://x${target}` : target, 'http://x');
  } catch {
    return new URL('http://x/unparseable');
  }
}

function tryJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The request head as the client sent it: request line and headers, as a raw route's handler reads them. */
function rawHead(req: IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join('\r\n');
}

/** A raw HTTP/1.1 response head. */
export function head(status: string, headers: Record<string, string | number>): string {
  return `HTTP/1.1 ${status}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
}
