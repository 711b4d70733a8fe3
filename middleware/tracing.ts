import { SyncError, maskUrl, cacheStatusOf, wireUrl } from '../lib/toolkit';
import type { Middleware, SyncContext } from '../lib/types';

/**
 * The part of `@opentelemetry/api` the step uses, stated here so that the package's types need no
 * OpenTelemetry installed (it is an optional peer dependency).
 */
export interface OpenTelemetryApi {
  trace: {
    getTracer(name: string): OpenTelemetryTracer;
    setSpan(context: unknown, span: OpenTelemetrySpan): unknown;
  };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  propagation: {
    inject(
      context: unknown,
      carrier: Record<string, string>,
      setter: { set(carrier: Record<string, string>, key: string, value: string): void },
    ): void;
  };
  SpanKind: { CLIENT: number };
  SpanStatusCode: { ERROR: number };
}
interface OpenTelemetryTracer {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string | number> }): OpenTelemetrySpan;
}
interface OpenTelemetrySpan {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
type Api = OpenTelemetryApi;

export interface TracingOptions {
  /** The `@opentelemetry/api` module. @default the installed one (`require('@opentelemetry/api')`), if any */
  api?: Api;
  /** The tracer's name. @default 'backbone-super-sync' */
  tracerName?: string;
}

/**
 * One OpenTelemetry client span per call, named by its method, with the HTTP semantic-convention attributes
 * (`http.request.method`, `url.full` with credentials masked, `server.address`, `server.port`,
 * `http.response.status_code`, `error.type`), the cache's answer (`backbone_super_sync.cache`) and the retries
 * (`http.request.resend_count`). The W3C `traceparent` goes into the request (the cache ignores it in keys),
 * and the span ends exactly once, whatever happens. Per-step times land in `ctx.state.timings`.
 * Without `@opentelemetry/api` installed (an optional peer dependency) the step passes calls through.
 * @example superSync.use(tracing())
 */
export function tracing(options: TracingOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('tracing() takes an options object');
  const api = options.api ?? installedApi();
  let step: Middleware;
  if (!api) {
    step = function tracing(_ctx, next) {
      return next();
    };
  } else {
    const tracer = api.trace.getTracer(options.tracerName ?? 'backbone-super-sync');
    step = function tracing(ctx, next) {
      return traced(api, tracer, ctx, next);
    };
  }
  step.order = { before: ['auth', 'retry', 'cache'], reason: 'one span per call, around its retries and cache hits' };
  return step;
}

async function traced(api: Api, tracer: OpenTelemetryTracer, ctx: SyncContext, next: () => Promise<void>) {
  const { request } = ctx;
  const url = wireUrl(request);
  const span = tracer.startSpan(request.method, {
    kind: api.SpanKind.CLIENT,
    attributes: { 'http.request.method': request.method, 'url.full': maskUrl(url), ...serverOf(url) },
  });
  const active = api.trace.setSpan(api.context.active(), span);
  api.propagation.inject(active, request.headers, {
    set: (carrier, key, value) => {
      carrier[key.toLowerCase()] = value;
    },
  });
  ctx.state.timings ??= {};
  try {
    await api.context.with(active, next);
    const status = ctx.response?.status ?? 0;
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: api.SpanStatusCode.ERROR });
    }
  } catch (error) {
    const failure = error instanceof SyncError ? error : undefined;
    if (failure && failure.status > 0) span.setAttribute('http.response.status_code', failure.status);
    // As the semantic conventions ask: the status code for an HTTP error, else what kind of failure it was.
    const type = failure
      ? failure.code === 'ERR_HTTP' && failure.status > 0
        ? String(failure.status)
        : failure.code
      : undefined;
    span.setAttribute('error.type', type ?? (error instanceof Error ? error.name : 'Error'));
    // The message only: a SyncError's is safe to show (its URL is masked); its cause may hold the raw request.
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: failure?.message });
    throw error;
  } finally {
    span.setAttribute('backbone_super_sync.cache', cacheStatusOf(ctx));
    const retries = ctx.state.retries;
    if (typeof retries === 'number' && retries > 0) span.setAttribute('http.request.resend_count', retries);
    span.end();
  }
}

function serverOf(url: string): Record<string, string | number> {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return { 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/**
 * The installed `@opentelemetry/api`, or undefined. Looked up at run time through `module.require`, which
 * bundlers leave alone: an app without it bundles and runs, with the step passing calls through.
 */
function installedApi(): Api | undefined {
  const load = typeof module === 'object' && module !== null ? module.require?.bind(module) : undefined;
  if (!load) return undefined;
  try {
    return load('@opentelemetry/api') as Api;
  } catch {
    return undefined;
  }
}
