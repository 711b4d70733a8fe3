/**
 * Registering your own steps: name them, place them, declare where they must sit, and print the stack.
 * Run: npx tsx examples/custom-middleware.ts
 */
import Backbone from 'backbone';
import { createSync, type Middleware } from '../lib/index';
import { mockTransport } from '../lib/testing/index';
import { runMain } from './run-main';

async function main() {
  // No server needed to show the stack: mockTransport answers in place of the network.
  const api = 'http://api.test';
  const sync = createSync().replace(
    'transport',
    mockTransport([
      {
        path: '/books/:id',
        reply: (req) => ({ body: { id: 1, title: 'Dune', tenant: req.headers['x-tenant'] ?? null } }),
      },
    ]),
  );

  // 1. A named function: the step is called after it ('timing').
  sync.use(async function timing(ctx, next) {
    const started = Date.now();
    await next();
    ctx.state.ms = Date.now() - started;
  });

  // 2. An explicit name.
  sync.use('tenant', (ctx, next) => {
    ctx.request.headers['x-tenant'] = 'acme';
    return next();
  });

  // 3. An explicit place: right before the transport, where it sees the request exactly as sent.
  const wireLog: Middleware = async (ctx, next) => {
    console.log(`wire-log: ${ctx.request.method} ${ctx.request.url} x-tenant=${ctx.request.headers['x-tenant']}`);
    await next();
    console.log(`wire-log: raw response ${ctx.response?.status}, ${ctx.response?.text.length} bytes`);
  };
  sync.use('wire-log', wireLog, { before: 'transport' });

  // 4. A declared order: this step needs the parsed body, so it must sit outside 'parse'.
  const stamp: Middleware = async (ctx, next) => {
    await next();
    (ctx.response?.body as Record<string, unknown>).fetchedBy = 'stamp';
  };
  stamp.order = { before: ['parse'], reason: 'it edits the parsed body' };
  sync.use('stamp', stamp);
  try {
    sync.use('stamp-too-deep', stamp, { after: 'parse' });
  } catch (error) {
    console.log(`refused: ${(error as Error).message}`);
  }

  console.log(`steps: ${sync.steps().join(' > ')}`);
  console.log(sync.print());

  const Book = Backbone.Model.extend({ urlRoot: `${api}/books`, sync });
  const book = new Book({ id: 1 });
  await book.fetch();
  console.log(`fetched: ${JSON.stringify(book.toJSON())}`);

  sync.remove('wire-log');
  await book.fetch();
  console.log(`after remove('wire-log'): steps: ${sync.steps().join(' > ')}`);
}

runMain(main);
