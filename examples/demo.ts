/**
 * `npm start`: a Backbone model talking to an embedded JSON API through backbone-super-sync.
 * Prints the stack, a fetch / save / patch / destroy round trip through the logger step, and a
 * timeout error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Backbone from 'backbone';
import superSync, { SyncError } from '../lib/index';
import { logger } from '../middleware/index';
import { runMain } from './run-main';

const books = new Map<string, Record<string, unknown>>([['1', { id: 1, title: 'Dune', author: 'Herbert' }]]);
let nextId = 2;

function startApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const [, , id] = (req.url ?? '').split('?')[0].split('/');
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.url?.startsWith('/slow')) return void setTimeout(() => send(200, {}), 1000);
      const input = text ? JSON.parse(text) : {};
      switch (req.method) {
        case 'GET':
          return books.has(id) ? send(200, books.get(id)) : send(404, { error: 'not found' });
        case 'POST': {
          const book = { ...input, id: nextId++ };
          books.set(String(book.id), book);
          return send(201, book);
        }
        case 'PUT':
          books.set(id, input);
          return send(200, input);
        case 'PATCH':
          books.set(id, { ...books.get(id), ...input });
          return send(200, books.get(id));
        case 'DELETE':
          books.delete(id);
          return send(204);
      }
      send(405);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const server = await startApi();
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Backbone.sync = superSync.use(logger({ log: (line) => console.log(`  ${line}`) }));
  console.log('The stack, outermost first:\n' + superSync.print() + '\n');

  const Book = Backbone.Model.extend({ urlRoot: `${api}/books` });
  const dune = new Book({ id: 1 });
  await dune.fetch();
  console.log('fetched:', JSON.stringify(dune.toJSON()));
  const created = new Book({ title: 'Hyperion', author: 'Simmons' });
  await created.save();
  console.log('created:', JSON.stringify(created.toJSON()));
  await created.save({ title: 'Hyperion', author: 'Dan Simmons', year: 1989 });
  console.log('updated:', JSON.stringify(created.toJSON()));
  await created.save({ year: 1990 }, { patch: true });
  console.log('patched:', JSON.stringify(created.toJSON()));
  await created.destroy();
  console.log('destroyed: book', created.id);

  const slow = new Book({ id: 'x' });
  slow.url = `${api}/slow`;
  try {
    await slow.fetch({ timeout: 100 });
  } catch (error) {
    const { textStatus, status, message } = error as SyncError;
    console.log(`timeout error: textStatus=${textStatus} status=${status} message="${message}"`);
  }
  server.close();
}

runMain(main);
