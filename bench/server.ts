import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** The body every benchmark row fetches: one artwork, about 1 KB of JSON. */
export const ARTWORK = {
  id: 'mona-lisa',
  _id: '4d8b92eb4eb68a1b2c000968',
  title: 'Mona Lisa',
  artist: { id: 'leonardo-da-vinci', name: 'Leonardo da Vinci', nationality: 'Italian', years: '1452-1519' },
  date: 'c. 1503-1519',
  medium: 'Oil on poplar panel',
  dimensions: { in: '30 1/4 x 21', cm: '77 x 53', depth_cm: null },
  collecting_institution: 'Musée du Louvre, Paris',
  image_versions: ['small', 'square', 'medium', 'large', 'larger', 'tall', 'normalized'],
  blurb:
    'A half-length portrait of a seated woman, set against an imaginary landscape; the sfumato of the face and ' +
    'hands made it the model for Renaissance portraits that followed.',
  tags: ['portrait', 'renaissance', 'oil painting', 'landscape', 'sfumato', 'italy', 'louvre'],
  availability: 'not for sale',
  published: true,
  can_share_image: true,
  can_download_image: false,
  sale_message: null,
  edition_sets: [],
  exhibition_history: 'Exhibited in Washington and New York (1963) and Tokyo and Moscow (1974).',
  created_at: '2011-03-24T19:02:03+00:00',
  updated_at: '2024-10-02T09:15:44+00:00',
};
export const ARTWORK_TEXT = JSON.stringify(ARTWORK);
const ARTWORK_BUFFER = Buffer.from(ARTWORK_TEXT);
const ARTWORK_ETAG = '"mona-lisa-1"';
const NOT_FOUND_BUFFER = Buffer.from(JSON.stringify({ type: 'error', message: 'Artwork Not Found' }));

/** How long `/slow/...` takes to answer, unless `?ms=` says otherwise. */
export const SLOW_MS = 250;

export interface BenchServer {
  readonly origin: string;
  /** Requests seen so far. */
  readonly requests: number;
  /** Requests whose path starts with `prefix`, counted from the first call for that prefix. */
  requestsTo(prefix: string): number;
  close(): Promise<void>;
}

/**
 * A `node:http` JSON server on 127.0.0.1: `/items/...` answers the ~1 KB artwork, `/missing/...` a
 * 404 with a JSON body, `/slow/...` the artwork after SLOW_MS (for timeouts and aborts), `/etag/...` the
 * artwork always stale with an ETag (a 304 for If-None-Match), `/flaky/...` the artwork once, then 503s.
 */
export async function startBenchServer(): Promise<BenchServer> {
  const sockets = new Set<Socket>();
  const pending = new Set<NodeJS.Timeout>();
  let requests = 0;
  const byPrefix = new Map<string, number>();
  const flakyServed = new Set<string>();
  const server = http.createServer((req, res) => {
    requests++;
    const url = req.url ?? '/';
    for (const [prefix, count] of byPrefix) if (url.startsWith(prefix)) byPrefix.set(prefix, count + 1);
    if (url.startsWith('/items/')) send(res, 200, ARTWORK_BUFFER);
    else if (url.startsWith('/missing/')) send(res, 404, NOT_FOUND_BUFFER);
    else if (url.startsWith('/etag/')) {
      if (req.headers['if-none-match'] === ARTWORK_ETAG) {
        res.writeHead(304, { etag: ARTWORK_ETAG, 'cache-control': 'max-age=0' });
        res.end();
      } else send(res, 200, ARTWORK_BUFFER, { etag: ARTWORK_ETAG, 'cache-control': 'max-age=0' });
    } else if (url.startsWith('/flaky/')) {
      if (flakyServed.has(url)) send(res, 503, NOT_FOUND_BUFFER);
      else {
        flakyServed.add(url);
        send(res, 200, ARTWORK_BUFFER, { 'cache-control': 'max-age=0' });
      }
    } else if (url.startsWith('/slow/')) {
      const ms = Number(/[?&]ms=(\d+)/.exec(url)?.[1] ?? SLOW_MS);
      const timer = setTimeout(() => {
        pending.delete(timer);
        send(res, 200, ARTWORK_BUFFER);
      }, ms);
      pending.add(timer);
      // A client that gave up (timeout, abort) closes the socket: stop holding a timer for it.
      res.on('close', () => {
        clearTimeout(timer);
        pending.delete(timer);
      });
    } else send(res, 404, NOT_FOUND_BUFFER);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    get requests() {
      return requests;
    },
    requestsTo(prefix) {
      if (!byPrefix.has(prefix)) byPrefix.set(prefix, 0);
      return byPrefix.get(prefix)!;
    },
    async close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function send(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...headers,
  });
  res.end(body);
}
