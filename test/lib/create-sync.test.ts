import http from 'node:http';
import { createSync } from '../../lib/index';
import type { Middleware } from '../../lib/index';
import { TestServer } from '../helpers/test-server';

const pass: Middleware = (_ctx, next) => next();

describe('createSync', () => {
  test('an instance is callable and carries its configuration as properties, with defaults', () => {
    const sync = createSync();
    expect(typeof sync).toBe('function');
    expect({ ...sync }).toMatchObject({
      timeout: 10000,
      headers: {},
      defaultCacheTime: 3600,
      maxResponseBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      privateHeaders: ['x-access-token', 'x-auth-token', 'x-api-key'],
    });
    expect(sync.cacheClient).toBeNull();
    const custom = createSync({ timeout: 5, headers: { a: 'b' }, defaultCacheTime: 60 });
    expect({ ...custom }).toMatchObject({ timeout: 5, headers: { a: 'b' }, defaultCacheTime: 60 });
  });

  test.each([
    [{ timeot: 5 }, /Unknown sync option "timeot"/],
    [{ timeout: -1 }, /timeout must be a number/],
    [{ headers: 'x' }, /headers must be an object or a function/],
    [{ maxResponseBytes: 0 }, /maxResponseBytes must be a positive integer/],
    [{ maxRedirects: 1.5 }, /maxRedirects must be an integer/],
    [{ agent: 'keep-alive' }, /agent must be an http.Agent or false/],
    [{ defaultCacheTime: '1h' }, /defaultCacheTime must be a number/],
  ])('refuses %p with a TypeError', (config, message) => {
    expect(() => createSync(config as never)).toThrow(message);
    expect(() => createSync(config as never)).toThrow(TypeError);
  });

  test('instances are independent', () => {
    const a = createSync().use('only-a', pass);
    const b = createSync();
    a.timeout = 1;
    expect(b.steps()).not.toContain('only-a');
    expect(b.timeout).toBe(10000);
  });
});

describe('extend', () => {
  test("a child starts from the parent's stack and configuration", () => {
    const parent = createSync({ timeout: 1234, headers: { 'x-app': '1' } }).use('auth', pass);
    const child = parent.extend({ defaultCacheTime: 5 });
    expect(child.steps()).toEqual(parent.steps());
    expect({ ...child }).toMatchObject({ timeout: 1234, headers: { 'x-app': '1' }, defaultCacheTime: 5 });
  });

  test("the child's edits never leak into the parent, nor the parent's later edits into the child", () => {
    const parent = createSync({ headers: { 'x-app': '1' } });
    const child = parent.extend();
    child.use('child-only', pass);
    child.headers = { ...child.headers, 'x-child': '1' };
    (child.headers as Record<string, string>)['x-app'] = 'changed';
    parent.use('parent-later', pass);
    expect(parent.steps()).not.toContain('child-only');
    expect(child.steps()).not.toContain('parent-later');
    expect(parent.headers).toEqual({ 'x-app': '1' });
  });

  test('a child can be a model class sync', async () => {
    const server = await TestServer.start();
    try {
      const parent = createSync();
      const child = parent.extend().use('tag', (ctx, next) => {
        ctx.request.headers['x-child'] = 'yes';
        return next();
      });
      await child('read', { url: server.url('/x') });
      expect(server.last().headers['x-child']).toBe('yes');
      await parent('read', { url: server.url('/x') });
      expect(server.last().headers['x-child']).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('keep-alive', () => {
  test('calls share connections through the default keep-alive agent', async () => {
    const server = await TestServer.start();
    try {
      const sync = createSync();
      for (let i = 0; i < 20; i++) await sync('read', { url: server.url('/x') });
      expect(server.requests).toHaveLength(20);
      expect(server.connections).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('agent: false opens a connection per request, as superagent does alone', async () => {
    const server = await TestServer.start();
    try {
      const sync = createSync({ agent: false });
      for (let i = 0; i < 5; i++) await sync('read', { url: server.url('/x') });
      expect(server.connections).toBe(5);
    } finally {
      await server.close();
    }
  });

  test('a given agent is used', async () => {
    const server = await TestServer.start();
    const agent = new http.Agent({ keepAlive: true });
    const addRequest = jest.spyOn(agent, 'addRequest' as never);
    try {
      await createSync({ agent })('read', { url: server.url('/x') });
      expect(addRequest).toHaveBeenCalledTimes(1);
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
