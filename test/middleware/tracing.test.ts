import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createSync } from '../../lib/index';
import { logger, retry, tracing } from '../../middleware/index';
import { sendJSON, TestServer } from '../helpers/test-server';

const exporter = new InMemorySpanExporter();
let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await server.close();
});
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();

describe('tracing(): one OpenTelemetry client span per call', () => {
  test('a success: method, masked URL, server, status; the server gets a traceparent of the span', async () => {
    server.json('/traced', { ok: true });
    const sync = createSync().use(tracing());
    const url = server.url('/traced').replace('http://', 'http://alice:hunter2@') + '?access_token=s3cret';
    await sync('read', { url });
    expect(spans()).toHaveLength(1);
    const [span] = spans();
    expect(span.name).toBe('GET');
    expect(span.kind).toBe(2); // SpanKind.CLIENT
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server.url('/')).port),
      'http.response.status_code': 200,
      'backbone_super_sync.cache': 'off',
    });
    expect(String(span.attributes['url.full'])).not.toMatch(/hunter2|s3cret/);
    const traceparent = server.last().headers.traceparent as string;
    expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  test('a 404, a timeout and an abort each end their span once, as an error with its type', async () => {
    server.route('/never', () => {});
    server.route('/missing-for-tracing', (_req, res) => sendJSON(res, { error: 'no' }, 404));
    const sync = createSync().use(tracing());
    await sync('read', { url: server.url('/missing-for-tracing') }).catch(() => {});
    await sync('read', { url: server.url('/never') }, { timeout: 50 }).catch(() => {});
    const aborted = sync('read', { url: server.url('/never') });
    setTimeout(() => aborted.abort(), 20);
    await aborted.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      spans().map((span) => [
        span.attributes['error.type'],
        span.attributes['http.response.status_code'],
        span.status.code,
      ]),
    ).toEqual([
      ['404', 404, 2],
      ['ERR_TIMEOUT', undefined, 2],
      ['ERR_ABORTED', undefined, 2],
    ]);
  });

  test('a cache hit and retries are attributes of the one span; timings reach the logger on demand', async () => {
    let n = 0;
    server.route('/flaky-traced', (_req, res) => (++n === 1 ? sendJSON(res, {}, 503) : sendJSON(res, { n })));
    const lines: string[] = [];
    const sync = createSync()
      .use(tracing())
      .use(logger({ timings: true, log: (line) => lines.push(line) }))
      .use(retry({ minDelay: 1, maxDelay: 2 }));
    await sync('read', { url: server.url('/flaky-traced') }, { cache: true });
    await sync('read', { url: server.url('/flaky-traced') }, { cache: true });
    expect(
      spans().map((span) => [
        span.attributes['backbone_super_sync.cache'],
        span.attributes['http.request.resend_count'],
      ]),
    ).toEqual([
      ['miss', 1],
      ['hit', undefined],
    ]);
    expect(lines[0]).toMatch(/timings=.*transport:\d+(\.\d+)?ms/);
  });

  test('without @opentelemetry/api given or installed, the step passes calls through', async () => {
    const api = undefined;
    const sync = createSync().use(tracing({ api }));
    server.json('/untraced', { ok: 1 });
    await expect(sync('read', { url: server.url('/untraced') })).resolves.toEqual({ ok: 1 });
  });
});
