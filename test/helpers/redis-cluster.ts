import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis';

/**
 * A real Redis Cluster of three masters on free local ports, each `redis-server --cluster-enabled yes`
 * in a folder of its own, joined with `redis-cli --cluster create`. Started by the suites that need it,
 * stopped (and its folders removed) after.
 */
export class LocalRedisCluster {
  readonly ports: number[] = [];
  private readonly children: ChildProcess[] = [];
  private dir = '';

  get nodes(): Array<{ host: string; port: number }> {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  async start(masters = 3): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'bss-cluster-'));
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      this.ports.push(port);
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          this.dir,
        ],
        { stdio: 'ignore' },
      );
      this.children.push(child);
    }
    for (const port of this.ports) await until(() => cli(port, 'ping').then((out) => out.trim() === 'PONG'));
    const addresses = this.ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of this.ports) {
      await until(() => cli(port, 'cluster', 'info').then((out) => out.includes('cluster_state:ok')));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether this machine can start one (`redis-server` and `redis-cli` on the PATH). */
export async function canStartCluster(): Promise<boolean> {
  try {
    await run('redis-server', ['--version']);
    await run('redis-cli', ['--version']);
    return true;
  } catch {
    return false;
  }
}

function cli(port: number, ...args: string[]): Promise<string> {
  return run('redis-cli', ['-p', String(port), ...args]).catch(() => '');
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

async function until(test: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('the Redis cluster did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
