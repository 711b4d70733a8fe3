import type http from 'node:http';
import type { ServerResponse } from 'node:http';
import { TestServer, type SeenRequest } from './test-server';

/** A request as the books API saw it (the test server's record, `abandoned` included). */
export type BooksRequest = SeenRequest;

export interface BooksApiOptions {
  /** Answer cross-origin calls from this origin (CORS, preflights included); others get no CORS headers. */
  corsOrigin?: string;
  /** Extra files served as they are: path -> [content type, body]. */
  files?: Record<string, [string, string]>;
}

type Book = Record<string, unknown> & { id: number };

/**
 * A small stateful JSON API, served as the fallback of a `TestServer` (a real `node:http` server on 127.0.0.1), the kind a Backbone app
 * talks to: `/books` (GET list, POST), `/books/:id` (GET, PUT, PATCH, DELETE, 404 when missing),
 * `/slow?ms=` (answers late; records whether the client gave up first), `/private` (never CORS),
 * `/etag/books/:id` (GET with an ETag and max-age=0; a 304 when If-None-Match matches, counted).
 * It honours `X-HTTP-Method-Override` and records every request it sees.
 */
export class BooksApi {
  books = new Map<number, Book>();
  /** 304s sent by `/etag/books/:id`. */
  notModified = 0;
  private nextId = 100;

  private constructor(
    private readonly server: TestServer,
    private readonly options: BooksApiOptions,
  ) {
    this.reset();
  }

  /** The books API is the test server's fallback: the same socket tracking and request records as every suite's. */
  static async start(options: BooksApiOptions = {}): Promise<BooksApi> {
    const server = await TestServer.start();
    const api = new BooksApi(server, options);
    server.fallback((seen, res) => api.route(seen, res));
    return api;
  }

  get origin(): string {
    return this.server.origin;
  }

  get requests(): BooksRequest[] {
    return this.server.requests;
  }

  /** Back to the two seed books. */
  reset(): void {
    this.notModified = 0;
    this.books = new Map([
      [1, { id: 1, title: 'Dune', author: 'Herbert' }],
      [2, { id: 2, title: 'Solaris', author: 'Lem' }],
    ]);
  }

  /** Serves `body` at `path` from now on (a page made after the server started). */
  serve(path: string, type: string, body: string): void {
    this.options.files = { ...this.options.files, [path]: [type, body] };
  }

  /** The requests to `path` (any query), in order. */
  seen(path: string): BooksRequest[] {
    return this.server.seen(path);
  }

  /** Resolves once a request matching `test` has arrived. */
  waitFor(test: (request: BooksRequest) => boolean): Promise<BooksRequest> {
    return this.server.waitFor(test);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(seen: BooksRequest, res: ServerResponse): void {
    const req = seen;
    const file = this.options.files?.[seen.path];
    if (file) {
      res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' });
      res.end(file[1]);
      return;
    }
    const cors = this.corsHeaders(req, seen.path);
    if (seen.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const send = (status: number, payload?: unknown) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      const headers: http.OutgoingHttpHeaders = { ...cors, 'x-total-count': String(this.books.size) };
      if (text !== '') headers['content-type'] = 'application/json';
      res.writeHead(status, headers);
      res.end(text);
    };
    if (seen.path === '/slow') {
      const timer = setTimeout(() => send(200, { slow: true }), Number(seen.query.get('ms') ?? 5000));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (seen.path === '/private') return send(200, { secret: true });
    // A book with a validator, always stale: every cached read of it is revalidated.
    const tagged = /^\/etag\/books\/(\d+)$/.exec(seen.path);
    if (tagged && seen.method === 'GET') {
      const book = this.books.get(Number(tagged[1]));
      const etag = `"${Buffer.from(JSON.stringify(book ?? null)).toString('base64url')}"`;
      const headers = { ...cors, etag, 'cache-control': 'max-age=0' };
      if (req.headers['if-none-match'] === etag) {
        this.notModified++;
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(book));
      return;
    }

    const method = (seen.method === 'POST' && (req.headers['x-http-method-override'] as string)) || seen.method;
    const input = seen.body ? (JSON.parse(seen.body) as Record<string, unknown>) : {};
    const match = /^\/books(?:\/(\d+))?$/.exec(seen.path);
    if (!match) return send(404, { error: 'no such route' });
    const id = match[1] === undefined ? undefined : Number(match[1]);
    if (id === undefined) {
      if (method === 'GET') return send(200, [...this.books.values()]);
      if (method === 'POST') {
        const book = { ...input, id: this.nextId++ };
        this.books.set(book.id, book);
        return send(201, book);
      }
      return send(405, { error: 'method not allowed' });
    }
    const book = this.books.get(id);
    if (!book) return send(404, { error: 'not found', id });
    switch (method) {
      case 'GET':
        return send(200, book);
      case 'PUT':
        this.books.set(id, { ...input, id });
        return send(200, this.books.get(id));
      case 'PATCH':
        this.books.set(id, { ...book, ...input, id });
        return send(200, this.books.get(id));
      case 'DELETE':
        this.books.delete(id);
        return send(204);
    }
    send(405, { error: 'method not allowed' });
  }

  private corsHeaders(req: BooksRequest, path: string): http.OutgoingHttpHeaders {
    const origin = this.options.corsOrigin;
    if (!origin || path === '/private' || req.headers.origin !== origin) return {};
    const headers: http.OutgoingHttpHeaders = {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'x-total-count',
      vary: 'Origin',
    };
    if (req.method === 'OPTIONS') {
      headers['access-control-allow-methods'] = 'GET, POST, PUT, PATCH, DELETE';
      headers['access-control-allow-headers'] = req.headers['access-control-request-headers'] ?? '';
      // Every preflight reaches the server, so each test sees its own.
      headers['access-control-max-age'] = '0';
    }
    return headers;
  }
}
