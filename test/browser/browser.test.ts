/**
 * The package in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core)
 * loads a page bundled by esbuild from the built package and talks to two real servers, the page's
 * own origin and a second origin that answers with CORS.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createSync as createNodeSync } from '../../lib/index';
import { BooksApi, type BooksRequest } from '../helpers/books-api';
import { bundlePage, type PageBundle } from './page/bundle';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
const SCREENSHOT = process.env.BSS_SCREENSHOT ?? path.join(tmpdir(), 'backbone-super-sync-browser.png');

type Json = Record<string, unknown>;

let bundle: PageBundle;
beforeAll(async () => {
  bundle = await bundlePage();
});

describe('the browser bundle', () => {
  it('takes the browser runtime and superagent browser client, and no Node-only module', () => {
    expect(bundle.inputs).toContain('dist/cjs/lib/runtime.browser.js');
    expect(bundle.inputs).toContain('node_modules/superagent/lib/client.js');
    expect(bundle.inputs).toContain('dist/esm/index.mjs');
    expect(bundle.inputs).not.toContain('dist/cjs/lib/runtime.js');
    const nodeOnly = bundle.inputs.filter((input) =>
      /superagent\/lib\/node\/|node_modules\/(ioredis|redis|@redis|formidable)\/|^node:/.test(input),
    );
    expect(nodeOnly).toEqual([]);
    // No left-over require() of one either (a string such as the cache's store kind 'ioredis' is fine).
    for (const name of ['node:http', 'node:https', 'node:crypto', 'ioredis', '@redis/client', 'redis']) {
      expect(bundle.js).not.toContain(`require("${name}")`);
      expect(bundle.js).not.toContain(`from "${name}"`);
    }
  });
});

if (!existsSync(CHROMIUM)) {
  const message = `No Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') {
    it('finds Chromium (required under CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`Skipping the browser suite. ${message}`);
    it.skip(`runs in Chromium (skipped: ${message})`, () => {});
  }
} else {
  describe('in headless Chromium', () => {
    let pageApi: BooksApi;
    let remoteApi: BooksApi;
    let userDataDir: string;
    let context: BrowserContext;
    let page: Page;
    const warnings: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      pageApi = await BooksApi.start({
        files: {
          '/': ['text/html; charset=utf-8', readFileSync(path.join(__dirname, 'page/index.html'), 'utf8')],
          '/bundle.js': ['text/javascript; charset=utf-8', bundle.js],
        },
      });
      remoteApi = await BooksApi.start({ corsOrigin: pageApi.origin });
      userDataDir = mkdtempSync(path.join(tmpdir(), 'bss-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1000, height: 560 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'warning') warnings.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${pageApi.origin}/`);
      await page.waitForFunction(() => window.bss !== undefined);
    }, 60_000);

    afterAll(async () => {
      if (page) await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => {});
      await context?.close();
      await pageApi?.close();
      await remoteApi?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    beforeEach(() => {
      pageApi.reset();
      remoteApi.reset();
    });

    function run(name: string, arg: Json = {}): Promise<Json> {
      return page.evaluate(([caseName, caseArg]) => window.bss.run(caseName, caseArg), [name, arg] as const);
    }

    function passed(name: string): Promise<void> {
      return page.evaluate((caseName) => window.bss.mark(caseName), name);
    }

    /** Polls until `test` holds (the server learns of a dropped connection a little later). */
    async function eventually(test: () => boolean, what: string): Promise<void> {
      for (let waited = 0; !test(); waited += 50) {
        if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    function calls(api: BooksApi, pathPattern: RegExp): string[] {
      return api.requests.filter((r) => pathPattern.test(r.path)).map((r) => `${r.method} ${r.path}`);
    }

    it('fetches, saves, updates, patches and destroys a Backbone model', async () => {
      const before = pageApi.requests.length;
      const result = await run('crud');
      const created = result.created as Json;
      const id = created.id as number;
      expect(result.fetched).toEqual({ id: 1, title: 'Dune', author: 'Herbert' });
      expect(created).toEqual({ id: expect.any(Number), title: 'Hyperion', author: 'Simmons' });
      expect(result.createdStatus).toBe(201);
      expect(result.createdStatusText).toBe('Created');
      expect(result.updated).toEqual({ id, title: 'Hyperion', author: 'Dan Simmons', year: 1989 });
      expect(result.patched).toEqual({ id, title: 'Hyperion', author: 'Dan Simmons', year: 1990 });
      expect(result.destroyed).toBe(true);

      const seen = pageApi.requests.slice(before);
      expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /books/1',
        'POST /books',
        `PUT /books/${id}`,
        `PATCH /books/${id}`,
        `DELETE /books/${id}`,
      ]);
      const [get, post, , patch] = seen;
      expect(get.headers.accept).toBe('application/json');
      expect(post.headers['content-type']).toBe('application/json');
      expect(JSON.parse(post.body)).toEqual({ title: 'Hyperion', author: 'Simmons' });
      expect(JSON.parse(patch.body)).toEqual({ year: 1990 });
      expect(pageApi.books.has(id)).toBe(false);
      await passed('crud');
    });

    it('fetches a collection and reads a response header', async () => {
      const result = await run('collection');
      expect(result).toEqual({ titles: ['Dune', 'Solaris'], totalHeader: '2' });
      expect(calls(pageApi, /^\/books$/).at(-1)).toBe('GET /books');
      await passed('collection');
    });

    it('caches reads with cache: true in the memory store, and forgets them after a save', async () => {
      const result = await run('cache');
      expect(result.titles).toEqual(['Dune', 'Dune', 'Dune', 'Dune']);
      expect(result.outcomes).toEqual([
        { fromCache: false, cache: 'miss' },
        { fromCache: true, cache: 'hit' },
        { fromCache: true, cache: 'hit' },
        { fromCache: false, cache: 'miss' },
      ]);
      // Three reads and the read after the save: two GETs reached the server, around the PATCH.
      const seen = pageApi.requests
        .filter((r) => r.path === '/books/1' && (r.method === 'PATCH' || r.query.get('tag') === 'cache'))
        .map((r) => r.method);
      expect(seen).toEqual(['GET', 'PATCH', 'GET']);
      await passed('cache');
    });

    it('reports a 5 MB upload and download as progress, on the option and as the model’s event', async () => {
      const result = await run('progress');
      const uploads = (result.viaOption as Array<{ direction: string; loaded: number; total: number }>).filter(
        (event) => event.direction === 'upload',
      );
      const downloads = result.downloads as Array<{ direction: string; loaded: number }>;
      const sent = JSON.stringify({ id: 1, blob: 'x'.repeat(5 * 1024 * 1024) }).length;
      expect(uploads.length).toBeGreaterThan(0);
      for (let i = 1; i < uploads.length; i++) expect(uploads[i].loaded).toBeGreaterThanOrEqual(uploads[i - 1].loaded);
      expect(uploads.at(-1)).toMatchObject({ loaded: sent, total: sent });
      expect(result.sameOnModel).toBe(true);
      expect(downloads.length).toBeGreaterThan(0);
      for (let i = 1; i < downloads.length; i++)
        expect(downloads[i].loaded).toBeGreaterThanOrEqual(downloads[i - 1].loaded);
      expect(downloads.every((event) => event.direction === 'download')).toBe(true);
      expect(downloads.at(-1)!.loaded).toBeGreaterThanOrEqual(sent);
      expect(result.size).toBe(5 * 1024 * 1024);
      await passed('progress');
    });

    it('loads a server render’s cache snapshot embedded in the page: the same reads make no request', async () => {
      // The server side, in Node: a render with three cached reads, one body holding </script>.
      pageApi.books.set(2, { id: 2, title: '</script><script>window.pwned = 1</script>', author: 'Lem' });
      const render = createNodeSync();
      for (const path of ['/books/1', '/books/2', '/books']) {
        await render('read', { url: `${pageApi.origin}${path}` }, { cache: true });
      }
      const snapshot = JSON.stringify(render.cache.snapshot());
      pageApi.serve(
        '/hydrate.html',
        'text/html; charset=utf-8',
        `<!doctype html><html><body><table><tbody></tbody></table><script>window.__BSS_SNAPSHOT__ = ${snapshot};</script>` +
          '<script src="/bundle.js"></script></body></html>',
      );
      const before = pageApi.requests.filter((r) => r.path.startsWith('/books')).length;
      const hydratePage = await context.newPage();
      try {
        await hydratePage.goto(`${pageApi.origin}/hydrate.html`);
        await hydratePage.waitForFunction(() => window.bss !== undefined);
        const result = await hydratePage.evaluate(() => window.bss.run('hydrated', {}));
        expect(result).toEqual({
          loaded: 3,
          reads: [
            { title: 'Dune', cacheStatus: 'hit' },
            { title: '</script><script>window.pwned = 1</script>', cacheStatus: 'hit' },
            { titles: ['Dune', '</script><script>window.pwned = 1</script>'], cacheStatus: 'hit' },
          ],
          scriptTagsInPage: 2,
        });
        expect(await hydratePage.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
        expect(pageApi.requests.filter((r) => r.path.startsWith('/books')).length).toBe(before);
      } finally {
        await hydratePage.close();
      }
    });

    it('runs the app stack against mockTransport from backbone-super-sync/testing: no request leaves the page', async () => {
      const before = pageApi.requests.length;
      const result = await run('mocked');
      expect(result).toEqual({
        title: 'Dune Messiah',
        cacheStatus: 'hit',
        calls: [
          'GET /mocked/books/4 Bearer t1 shelf',
          'GET /mocked/books/4 Bearer t1 shelf',
          'PUT /mocked/books/4 Bearer t1 shelf',
          'PUT /mocked/books/4 Bearer t2 shelf',
          'GET /mocked/slow Bearer t2 shelf',
        ],
        timedOut: 'timeout',
      });
      expect(pageApi.requests.length).toBe(before);
      await passed('mocked');
    });

    it('revalidates a stale cached read with its ETag: a 304 answers 200 success from the memory store', async () => {
      const result = await run('revalidated');
      expect(result.reads).toEqual([
        { title: 'Dune', cacheStatus: 'miss', status: 200, textStatus: 'success' },
        { title: 'Dune', cacheStatus: 'revalidated', status: 200, textStatus: 'success' },
        { title: 'Dune', cacheStatus: 'revalidated', status: 200, textStatus: 'success' },
      ]);
      const conditional = pageApi.seen('/etag/books/1').map((r) => r.headers['if-none-match'] !== undefined);
      expect(conditional).toEqual([false, true, true]);
      expect(pageApi.notModified).toBe(2);
      await passed('revalidated');
    });

    it('sends configured, per-call and middleware headers, and runs user middleware both ways', async () => {
      const result = await run('headersAndMiddleware');
      expect(result.steps).toEqual([
        'timeout',
        'headers',
        'tenant',
        'observe',
        'signed',
        'cache',
        'parse',
        'transport',
      ]);
      expect(result.title).toBe('Solaris');
      expect(result.seenOnTheWayUp).toEqual([{ status: 200, type: 'application/json' }]);
      const request = pageApi.seen('/books/2').at(-1) as BooksRequest;
      expect(request.headers).toMatchObject({
        accept: 'application/json',
        'x-app': 'shelf',
        'x-call': 'one',
        'x-tenant': 'acme',
        'x-signed': 'GET',
      });
      await passed('headersAndMiddleware');
    });

    it('fails a call at its timeout and aborts the request in flight', async () => {
      const result = await run('timeout');
      const error = { isSyncError: true, code: 'ERR_TIMEOUT', textStatus: 'timeout', status: 0, readyState: 0 };
      expect(result.rejected).toMatchObject({ ...error, message: 'timeout of 300ms exceeded' });
      expect(result.errorCallbacks).toEqual([expect.objectContaining(error)]);
      // The server holds the answer for 8 s; the call must not have waited for it.
      expect(result.elapsedMs).toBeLessThan(6000);
      const request = pageApi.requests.find((r) => r.path === '/slow' && r.query.get('tag') === 'timeout');
      await eventually(() => request?.abandoned === true, 'the server to see the timed-out request dropped');
      await passed('timeout');
    });

    it('abort() ends a call in flight with textStatus abort', async () => {
      expect(await run('abortStart')).toEqual({ started: true, readyState: 1 });
      const request = await pageApi.waitFor((r) => r.path === '/slow' && r.query.get('tag') === 'abort');
      const result = await run('abortFinish');
      const error = { isSyncError: true, code: 'ERR_ABORTED', textStatus: 'abort', status: 0 };
      expect(result.rejected).toMatchObject(error);
      expect(result.errorCallbacks).toEqual([expect.objectContaining(error)]);
      await eventually(() => request.abandoned, 'the server to see the aborted request dropped');
      await passed('abortStart');
      await passed('abortFinish');
    });

    it('turns a 404 into an error with status, statusText and responseJSON', async () => {
      const result = await run('notFound');
      const error = {
        isSyncError: true,
        code: 'ERR_HTTP',
        textStatus: 'error',
        status: 404,
        statusText: 'Not Found',
        message: 'Not Found',
        readyState: 4,
        responseJSON: { error: 'not found', id: 999 },
      };
      expect(result.rejected).toEqual(error);
      expect(result.errorCallbacks).toEqual([error]);
      await passed('notFound');
    });

    it('calls another origin with CORS: a preflight for the custom header, then the request', async () => {
      const result = await run('cors', { origin: remoteApi.origin });
      expect(result.fetched).toEqual({ id: 1, title: 'Dune', author: 'Herbert' });
      expect(result.totalHeader).toBe('2');
      expect(result.created).toEqual({ id: expect.any(Number), title: 'Ubik' });

      expect(calls(remoteApi, /^\/books/)).toEqual([
        'OPTIONS /books/1',
        'GET /books/1',
        'OPTIONS /books',
        'POST /books',
      ]);
      const [preflight, get, postPreflight] = remoteApi.requests.filter((r) => r.path.startsWith('/books'));
      expect(preflight.headers.origin).toBe(pageApi.origin);
      expect(preflight.headers['access-control-request-method']).toBe('GET');
      expect(preflight.headers['access-control-request-headers']?.split(',')).toContain('x-custom');
      expect(get.headers['x-custom']).toBe('cross');
      expect(postPreflight.headers['access-control-request-headers']?.split(',')).toContain('content-type');
      await passed('cors');
    });

    it('reports a response the browser blocks (no CORS headers) as a network error', async () => {
      const result = await run('corsBlocked', { origin: remoteApi.origin });
      const error = { isSyncError: true, code: 'ERR_NETWORK', textStatus: 'error', status: 0, readyState: 0 };
      expect(result.rejected).toMatchObject(error);
      expect(result.errorCallbacks).toEqual([expect.objectContaining(error)]);
      // The browser sent the simple GET and withheld the answer from the page.
      expect(calls(remoteApi, /^\/private$/)).toEqual(['GET /private']);
      await passed('corsBlocked');
    });

    it("follows the bundled Backbone's emulateHTTP default", async () => {
      const result = await run('emulateHTTP');
      expect(result.patched).toEqual({ id: 2, title: 'Solaris', author: 'Lem', year: 1961 });
      const request = pageApi.seen('/books/2').at(-1) as BooksRequest;
      expect(request.method).toBe('POST');
      expect(request.headers['x-http-method-override']).toBe('PATCH');
      expect(JSON.parse(request.body)).toEqual({ year: 1961 });
      await passed('emulateHTTP');
    });

    it('works as Backbone.sync with the default instance', async () => {
      expect(await run('defaultInstance')).toEqual({ title: 'Dune', isDefault: true });
      await passed('defaultInstance');
    });

    it('logged no superagent warning (no Node-only call reached the browser client) and no page error', () => {
      expect(warnings.filter((text) => /superagent/i.test(text))).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
}
