import net from 'node:net';

export type RawHandler = (socket: net.Socket, head: string) => void;

/**
 * A server that speaks raw TCP so a test can misbehave in ways `node:http` will not: stall, cut a
 * body short, lie in Content-Length, reset. Routes are matched on the request path.
 */
export class FaultServer {
  private readonly routes = new Map<string, RawHandler>();
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server) {}

  static async start(): Promise<FaultServer> {
    const server = net.createServer();
    const instance = new FaultServer(server);
    server.on('connection', (socket) => instance.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}${path}`;
  }

  route(path: string, handler: RawHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const path = head.split(' ')[1]?.split('?')[0] ?? '/';
      const handler = this.routes.get(path);
      if (handler) handler(socket, head.slice(0, end));
      else socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    };
    socket.on('data', onData);
  }
}

/** A raw HTTP/1.1 response head. */
export function head(status: string, headers: Record<string, string | number>): string {
  return `HTTP/1.1 ${status}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
}
