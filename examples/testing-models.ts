/**
 * Testing a Backbone app's models without a server: mockTransport replaces the transport step only, so
 * the app's own stack (headers, auth, retry, concurrency, latest-wins) runs as in production.
 * Run: npx tsx examples/testing-models.ts
 */
import Backbone from 'backbone';
import { createSync } from '../lib/index';
import { auth, concurrency, headers, latest, retry } from '../middleware/index';
import { mockTransport } from '../lib/testing/index';
import { runMain } from './run-main';

/** The app's stack, as its production code builds it. */
function appSync(getToken: () => string) {
  return createSync()
    .use(headers({ 'x-app': 'shelf' }))
    .use(auth(getToken))
    .use(retry({ minDelay: 1, maxDelay: 5 }))
    .use(concurrency())
    .use(latest());
}

async function main() {
  let version = 1;
  const mock = mockTransport([
    // The first read meets a 503 (retried); then the book, with its version as ETag.
    {
      method: 'GET',
      path: '/books/:id',
      reply: [
        { status: 503 },
        (req) => ({ body: { id: +req.params.id, title: 'Dune' }, headers: { etag: `"v${version}"` } }),
      ],
    },
    // Saves need a fresh token (401 first) and the current version (else 412 with the server's copy).
    {
      method: 'PUT',
      path: '/books/:id',
      reply: (req) => {
        if (req.headers.authorization !== 'Bearer fresh') return { status: 401 };
        if (req.headers['if-match'] !== `"v${version}"`)
          return { status: 412, body: { id: 1, title: 'Dune (theirs)' } };
        version++;
        return { body: req.body, headers: { etag: `"v${version}"` } };
      },
    },
    // A search whose answers arrive in reverse order: the first asked answers last.
    {
      method: 'GET',
      path: '/search',
      reply: (req) => ({ delay: 50 - Number(req.query.q) * 10, body: [{ id: Number(req.query.q) }] }),
    },
  ]);
  const tokens = ['stale', 'fresh'];
  const sync = appSync(() => tokens.shift() ?? 'fresh').replace('transport', mock);
  const Book = Backbone.Model.extend({ urlRoot: 'http://api.test/books', sync });
  const Results = Backbone.Collection.extend({ url: 'http://api.test/search', sync });

  const book = new Book({ id: 1 });
  await book.fetch();
  console.log(`fetched after a 503: ${book.get('title')}`);

  await book.save({ title: 'Dune Messiah' });
  console.log(`saved after a 401, with If-Match: ${JSON.stringify(book.toJSON())}`);

  version++; // someone else saved meanwhile
  book.on('conflict', (_model: unknown, theirs: unknown) =>
    console.log(`conflict, server has: ${JSON.stringify(theirs)}`),
  );
  const failure = await book
    .save({ title: 'Children of Dune' })
    .catch((error: { textStatus: string }) => error.textStatus);
  console.log(`second save: ${failure}`);

  const results = new Results();
  const searches = [1, 2, 3].map((q) =>
    results.fetch({ data: { q } }).then(
      () => 'done',
      (e: { textStatus: string }) => e.textStatus,
    ),
  );
  console.log(`searches: ${(await Promise.all(searches)).join(', ')}; results: ${JSON.stringify(results.toJSON())}`);

  console.log('calls:');
  for (const call of mock.calls) {
    console.log(
      `  ${call.method} ${call.path}${call.query.q ? `?q=${call.query.q}` : ''} ${call.headers.authorization} ${call.headers['if-match'] ?? '-'}`,
    );
  }
}

runMain(main);
