import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export const REDIS_PORT = 6379;
const START_HINT = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

/** True when something answers PING on 127.0.0.1:port (checked synchronously, so `describe` can branch on it). */
export function redisAnswers(port = REDIS_PORT): boolean {
  const script = `const s=require('net').connect(${port},'127.0.0.1');s.setTimeout(1000);
s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));
s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: 5000 }).status === 0;
}

/**
 * `describe` when Redis is up on 6379; otherwise skipped with a message saying how to start it, except
 * under CI=true, where a missing Redis fails the suite instead.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisAnswers()) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('Redis must answer on 127.0.0.1:6379 under CI', () => {
        throw new Error(`Redis is not reachable on 127.0.0.1:6379; .ci/run starts it with: ${START_HINT}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": no Redis on 127.0.0.1:6379. Start one with: ${START_HINT}`);
  describe.skip(name, body);
}

/** A unique key prefix per test run, so parallel runs and other suites never meet. */
export function runPrefix(label: string): string {
  return `bss-test:${label}:${process.pid}:${Date.now().toString(36)}:`;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server child on its own port, for stopping and restarting (never the shared 6379 one). */
export class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 100; i++) {
      if (await pingAsync(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

function pingAsync(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(String(data).startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
