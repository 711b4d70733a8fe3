import { backboneWith, recordEvents } from '../helpers/backbone';
import { sendJSON, TestServer } from '../helpers/test-server';
import type { ProgressEvent } from '../../lib/index';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.close());

const FIVE_MB = 5 * 1024 * 1024;

function checkMonotonic(events: ProgressEvent[], direction: 'upload' | 'download', total: number): void {
  const ours = events.filter((event) => event.direction === direction);
  expect(ours.length).toBeGreaterThan(10);
  for (let i = 1; i < ours.length; i++) expect(ours[i].loaded).toBeGreaterThan(ours[i - 1].loaded);
  expect(ours.at(-1)).toEqual({ direction, loaded: total, total });
}

describe('progress: upload and download, as bytes go, on a real server', () => {
  test('a 5 MB save reports its upload through options.progress and the model’s progress event', async () => {
    server.route('PUT /big/1', (req, res) => sendJSON(res, { id: 1, received: req.body.length }));
    const { Model } = backboneWith({}, server.url('/big'));
    const model = new Model({ id: 1, blob: 'x'.repeat(FIVE_MB) });
    const viaOption: ProgressEvent[] = [];
    const viaEvent: ProgressEvent[] = [];
    model.on('progress', (_model: unknown, event: ProgressEvent) => viaEvent.push(event));
    await model.save(null, { progress: (event: ProgressEvent) => viaOption.push(event) });
    const sent = Buffer.byteLength(JSON.stringify({ id: 1, blob: 'x'.repeat(FIVE_MB) }));
    expect(model.get('received')).toBe(sent);
    checkMonotonic(viaOption, 'upload', sent);
    expect(viaEvent).toEqual(viaOption);
  });

  test('a 5 MB fetch reports its download; with no listener nothing is reported', async () => {
    const body = { id: 2, blob: 'y'.repeat(FIVE_MB) };
    server.json('/big/2', body);
    const { Model } = backboneWith({}, server.url('/big'));
    const model = new Model({ id: 2 });
    const events: ProgressEvent[] = [];
    await model.fetch({ progress: (event: ProgressEvent) => events.push(event) });
    checkMonotonic(events, 'download', Buffer.byteLength(JSON.stringify(body)));
    expect(model.get('blob')).toHaveLength(FIVE_MB);

    const quiet = new Model({ id: 2 });
    const all = recordEvents(quiet);
    await quiet.fetch();
    expect(all.map(([name]) => name)).not.toContain('progress');
  });
});
