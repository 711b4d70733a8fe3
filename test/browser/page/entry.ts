/**
 * The browser test page: bundled by esbuild from the BUILT package (its `exports` and `browser`
 * field pick the browser runtime), served by the books API. The suite calls `window.bss.run(name)`
 * for each case and asserts on what it returns and on what the servers saw; the page shows a row
 * per case.
 */
import Backbone from 'backbone';
import superSync, { createSync, SyncError, type Middleware, type SyncHandle } from 'backbone-super-sync';
import { auth, headers, retry } from 'backbone-super-sync/middleware';
import { mockTransport } from 'backbone-super-sync/testing';

type Json = Record<string, unknown>;

const sync = createSync();
const Book = Backbone.Model.extend({ urlRoot: '/books', sync });
const Books = Backbone.Collection.extend({ model: Book, url: '/books', sync });

/** The fields of a failure the suite checks, as plain data. */
function failure(error: unknown): Json {
  if (!(error instanceof SyncError)) return { notASyncError: String(error) };
  const { code, textStatus, status, statusText, message, responseJSON, readyState } = error;
  return { isSyncError: true, code, textStatus, status, statusText, message, responseJSON, readyState };
}

/** Runs `start`, and reports what Backbone's `error` callback received and how the promise ended. */
async function expectFailure(start: (options: Json) => Promise<unknown>): Promise<Json> {
  const calls: Json[] = [];
  const options = {
    error: (_model: unknown, xhr: unknown, opts: Json) => calls.push({ ...failure(xhr), textStatus: opts.textStatus }),
  };
  const began = performance.now();
  try {
    await start(options);
    return { resolved: true };
  } catch (error) {
    return { rejected: failure(error), errorCallbacks: calls, elapsedMs: Math.round(performance.now() - began) };
  }
}

let pendingAbort: SyncHandle<unknown> | undefined;
let pendingAbortOutcome: Promise<Json> | undefined;

const cases: Record<string, (arg: Json) => Promise<Json>> = {
  async crud() {
    const dune = new Book({ id: 1 });
    await dune.fetch();
    const fetched = dune.toJSON();
    const created = new Book({ title: 'Hyperion', author: 'Simmons' });
    const saveXhr = created.save() as unknown as SyncHandle<unknown>;
    await saveXhr;
    const afterCreate = created.toJSON();
    await created.save({ author: 'Dan Simmons', year: 1989 });
    const afterUpdate = created.toJSON();
    await created.save({ year: 1990 }, { patch: true });
    const afterPatch = created.toJSON();
    let destroyed = false;
    created.on('destroy', () => (destroyed = true));
    await created.destroy();
    return {
      fetched,
      created: afterCreate,
      createdStatus: saveXhr.status,
      createdStatusText: saveXhr.statusText,
      updated: afterUpdate,
      patched: afterPatch,
      destroyed,
    };
  },

  async collection() {
    const books = new Books();
    const xhr = books.fetch() as unknown as SyncHandle<unknown>;
    await xhr;
    return { titles: books.pluck('title'), totalHeader: xhr.getResponseHeader('X-Total-Count') };
  },

  async cache() {
    // A fresh instance, so its memory store starts empty; the second and third reads are hits.
    const cached = createSync();
    const CachedBook = Backbone.Model.extend({ urlRoot: '/books', sync: cached });
    const outcomes: Json[] = [];
    cached.use('observe-cache', async (ctx, next) => {
      await next();
      outcomes.push({ fromCache: ctx.response?.fromCache ?? null, cache: ctx.state.cache ?? null });
    });
    const titles: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const book = new CachedBook({ id: 1 });
      await book.fetch({ cache: true, data: { tag: 'cache' } });
      titles.push(book.get('title'));
    }
    // A save through the same instance forgets the cached read of the model's URL.
    await new CachedBook({ id: 1 }).save({ title: 'Dune' }, { patch: true });
    const after = new CachedBook({ id: 1 });
    await after.fetch({ cache: true, data: { tag: 'cache' } });
    titles.push(after.get('title'));
    return { titles, outcomes: outcomes.filter((o) => o.cache !== null) };
  },

  async hydrated() {
    // A page a server rendered: its snapshot is in the page; the same reads here are served from it.
    const browserSync = createSync();
    const loaded = await browserSync.cache.hydrate(
      (window as unknown as { __BSS_SNAPSHOT__: unknown }).__BSS_SNAPSHOT__,
    );
    const HydratedBook = Backbone.Model.extend({ urlRoot: `${location.origin}/books`, sync: browserSync });
    const reads: Json[] = [];
    for (const id of [1, 2]) {
      const book = new HydratedBook({ id });
      const xhr = book.fetch({ cache: true }) as unknown as SyncHandle<unknown>;
      await xhr;
      reads.push({ title: book.get('title'), cacheStatus: xhr.cacheStatus });
    }
    const list = browserSync('read', { url: `${location.origin}/books` }, { cache: true });
    const listed = (await list) as Json[];
    reads.push({ titles: listed.map((book) => book.title), cacheStatus: list.cacheStatus });
    return { loaded, reads, scriptTagsInPage: document.querySelectorAll('script').length };
  },

  async progress() {
    // 5 MB up and 5 MB down: the browser's XHR progress events, through options.progress and the model's event.
    const book = new Book({ id: 1, blob: 'x'.repeat(5 * 1024 * 1024) });
    const viaOption: Json[] = [];
    const viaEvent: Json[] = [];
    book.on('progress', (_model: unknown, event: Json) => viaEvent.push(event));
    await book.save(null, { progress: (event: Json) => viaOption.push(event) });
    const fresh = new Book({ id: 1 });
    const downloads: Json[] = [];
    await fresh.fetch({ progress: (event: Json) => downloads.push(event) });
    return {
      viaOption,
      sameOnModel: JSON.stringify(viaEvent) === JSON.stringify(viaOption),
      downloads,
      size: (fresh.get('blob') as string).length,
    };
  },

  async mocked() {
    // The app's own stack (headers, auth, retry, cache, parse) answering from mockTransport: no request leaves.
    const tokens = ['t1', 't2'];
    const mock = mockTransport([
      {
        method: 'GET',
        path: '/mocked/books/:id',
        reply: [{ status: 503 }, (req) => ({ body: { id: Number(req.params.id), title: 'Dune' } })],
      },
      {
        method: 'PUT',
        path: '/mocked/books/:id',
        reply: (req) => (req.headers.authorization === 'Bearer t2' ? { body: req.body } : { status: 401 }),
      },
      { path: '/mocked/slow', reply: { timeout: true } },
    ]);
    const mocked = createSync()
      .use(headers({ 'x-app': 'shelf' }))
      .use(auth(() => tokens.shift() ?? 'none'))
      .use(retry({ minDelay: 1, maxDelay: 2 }))
      .replace('transport', mock);
    const MockedBook = Backbone.Model.extend({ urlRoot: '/mocked/books', sync: mocked });
    const book = new MockedBook({ id: 4 });
    await book.fetch({ cache: true, cacheScope: 'user' });
    const hit = new MockedBook({ id: 4 });
    const xhr = hit.fetch({ cache: true, cacheScope: 'user' }) as unknown as SyncHandle<unknown>;
    await xhr;
    await book.save({ title: 'Dune Messiah' });
    const timedOut = await expectFailure((options) =>
      mocked('read', { url: '/mocked/slow' }, { ...options, timeout: 50 }),
    );
    return {
      title: book.get('title'),
      cacheStatus: xhr.cacheStatus,
      calls: mock.calls.map(
        (call) => `${call.method} ${call.path} ${call.headers.authorization} ${call.headers['x-app']}`,
      ),
      timedOut: (timedOut.rejected as Json).textStatus,
    };
  },

  async revalidated() {
    // A stale entry with an ETag: the second and third reads send If-None-Match and answer from the entry.
    const cached = createSync({ defaultCacheTime: 'http', cacheGrace: 60 });
    const TaggedBook = Backbone.Model.extend({ urlRoot: '/etag/books', sync: cached });
    const reads: Json[] = [];
    for (let i = 0; i < 3; i++) {
      const book = new TaggedBook({ id: 1 });
      const xhr = book.fetch({ cache: true }) as unknown as SyncHandle<unknown>;
      await xhr;
      reads.push({
        title: book.get('title'),
        cacheStatus: xhr.cacheStatus,
        status: xhr.status,
        textStatus: xhr.textStatus,
      });
    }
    return { reads };
  },

  async headersAndMiddleware() {
    const seenOnTheWayUp: Json[] = [];
    const tenant: Middleware = (ctx, next) => {
      ctx.request.headers['x-tenant'] = 'acme';
      return next();
    };
    const observe: Middleware = async function observe(ctx, next) {
      await next();
      seenOnTheWayUp.push({ status: ctx.response?.status, type: ctx.response?.headers['content-type'] });
    };
    const custom = sync
      .extend({ headers: { 'x-app': 'shelf' } })
      .use('tenant', tenant)
      // Named explicitly: bundlers and minifiers rename functions (esbuild made this one `observe2`).
      .use('observe', observe)
      .use(
        'signed',
        headers((ctx) => ({ 'x-signed': ctx.request.method })),
      );
    const Model = Book.extend({ sync: custom });
    const book = new Model({ id: 2 });
    await book.fetch({ headers: { 'X-Call': 'one' } });
    return { steps: custom.steps(), title: book.get('title'), seenOnTheWayUp };
  },

  async timeout() {
    const slow = new Book();
    slow.url = '/slow?ms=8000&tag=timeout';
    return expectFailure((options) => slow.fetch({ ...options, timeout: 300 }));
  },

  async abortStart() {
    const slow = new Book();
    slow.url = '/slow?ms=8000&tag=abort';
    pendingAbortOutcome = expectFailure((options) => {
      pendingAbort = slow.fetch(options) as unknown as SyncHandle<unknown>;
      return pendingAbort;
    });
    return { started: pendingAbort !== undefined, readyState: pendingAbort?.readyState };
  },

  async abortFinish() {
    pendingAbort!.abort();
    return (await pendingAbortOutcome)!;
  },

  async notFound() {
    const missing = new Book({ id: 999 });
    return expectFailure((options) => missing.fetch(options));
  },

  async cors({ origin }) {
    const Remote = Backbone.Model.extend({ urlRoot: `${origin}/books`, sync });
    const book = new Remote({ id: 1 });
    const xhr = book.fetch({ headers: { 'x-custom': 'cross' } }) as unknown as SyncHandle<unknown>;
    await xhr;
    const created = new Remote({ title: 'Ubik' });
    await created.save();
    return { fetched: book.toJSON(), totalHeader: xhr.getResponseHeader('x-total-count'), created: created.toJSON() };
  },

  async corsBlocked({ origin }) {
    const secret = new Book();
    secret.url = `${origin}/private`;
    return expectFailure((options) => secret.fetch(options));
  },

  async emulateHTTP() {
    const book = new Book({ id: 2 });
    Backbone.emulateHTTP = true;
    try {
      await book.save({ year: 1961 }, { patch: true });
    } finally {
      Backbone.emulateHTTP = false;
    }
    return { patched: book.toJSON() };
  },

  async defaultInstance() {
    // `Backbone.sync = superSync`, as the README says, with the package's default instance.
    const previous = Backbone.sync;
    Backbone.sync = superSync;
    try {
      const Plain = Backbone.Model.extend({ urlRoot: '/books' });
      const book = new Plain({ id: 1 });
      await book.fetch();
      return { title: book.get('title'), isDefault: Backbone.sync === superSync };
    } finally {
      Backbone.sync = previous;
    }
  },
};

function row(name: string): HTMLTableRowElement {
  const id = `case-${name}`;
  let tr = document.getElementById(id) as HTMLTableRowElement | null;
  if (!tr) {
    tr = document.createElement('tr');
    tr.id = id;
    tr.innerHTML = '<td class="name"></td><td class="state"></td><td class="detail"></td>';
    tr.cells[0].textContent = name;
    document.querySelector('tbody')!.append(tr);
  }
  return tr;
}

function show(name: string, state: string, detail?: unknown): void {
  const tr = row(name);
  tr.className = state;
  tr.cells[1].textContent = state;
  if (detail !== undefined) tr.cells[2].textContent = JSON.stringify(detail).slice(0, 160);
}

declare global {
  interface Window {
    bss: { run(name: string, arg?: Json): Promise<Json>; mark(name: string): void; cases: string[] };
  }
}

window.bss = {
  cases: Object.keys(cases),
  async run(name, arg = {}) {
    show(name, 'running');
    try {
      const result = await cases[name](arg);
      show(name, 'ran', result);
      return result;
    } catch (error) {
      show(name, 'threw', failure(error));
      throw error;
    }
  },
  // Called by the suite once its assertions on the case passed.
  mark(name) {
    show(name, 'passed');
  },
};
document.title = 'backbone-super-sync in the browser';
