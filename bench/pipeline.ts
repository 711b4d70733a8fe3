import type { Middleware, SyncInstance, SyncModel, SyncOptions } from '../lib/index';
import { median } from './measure';
import { createSync } from './package';
import { ARTWORK_TEXT } from './server';

const BATCH = 64;

/** Stands in for superagent: answers the ~1 KB artwork at once, as a fresh raw response. */
const stubTransport: Middleware = function stubTransport(ctx) {
  ctx.response = {
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '1010' },
    text: ARTWORK_TEXT,
    body: undefined,
    fromCache: false,
  };
};

function passThrough(): Middleware {
  return function passThrough(_ctx, next) {
    return next();
  };
}

/** The default stack with the transport stubbed, plus `extra` pass-through steps. */
export function stubbedSync(extra: number): SyncInstance {
  const sync = createSync().replace('transport', stubTransport);
  for (let i = 1; i <= extra; i++) sync.use(`pass-${i}`, passThrough());
  return sync;
}

// What Backbone hands to sync: a model with url and trigger, success and error callbacks.
const model: SyncModel = { url: 'http://127.0.0.1:1/items/mona-lisa', trigger() {} };
function options(): SyncOptions {
  return { success() {}, error() {} };
}

/** CPU time (user + system, GC included) per call in µs, `calls` calls in batches of BATCH at once. */
export async function cpuPerCall(sync: SyncInstance, calls: number): Promise<number> {
  const pending: PromiseLike<unknown>[] = new Array(BATCH);
  const before = process.cpuUsage();
  for (let done = 0; done < calls; done += BATCH) {
    for (let i = 0; i < BATCH; i++) pending[i] = sync('read', model, options());
    await Promise.all(pending);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (Math.ceil(calls / BATCH) * BATCH);
}

export interface PipelineResult {
  /** µs of CPU per call through the default stack, transport stubbed (median of the rounds). */
  perCallUs: number;
  /** µs of CPU per extra pass-through step: the median over rounds of (stack + N steps - stack) / N. */
  perMiddlewareUs: number;
  extraSteps: number;
  /** µs of JSON.parse of the 1 KB body alone: part of perCallUs (the parse step does it). */
  jsonParseUs: number;
  rounds: number;
  callsPerRound: number;
  samples: { base: number[]; extra: number[] };
}

/**
 * Alternates the bare stack and the stack with `extraSteps` pass-through steps, round by round; each
 * round's pair gives one per-step cost, so drift in the machine's load cancels out of it.
 */
export async function measurePipeline(quick: boolean): Promise<PipelineResult> {
  const extraSteps = 20;
  const rounds = quick ? 3 : 9;
  const callsPerRound = quick ? 20_000 : 100_000;
  const base = stubbedSync(0);
  const extra = stubbedSync(extraSteps);
  await cpuPerCall(base, callsPerRound / 2);
  await cpuPerCall(extra, callsPerRound / 2);
  const samples = { base: [] as number[], extra: [] as number[] };
  const perStep: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0 ? base : extra;
    const a = await cpuPerCall(first, callsPerRound);
    const b = await cpuPerCall(first === base ? extra : base, callsPerRound);
    const [baseUs, extraUs] = first === base ? [a, b] : [b, a];
    samples.base.push(baseUs);
    samples.extra.push(extraUs);
    perStep.push((extraUs - baseUs) / extraSteps);
  }
  return {
    perCallUs: median(samples.base),
    perMiddlewareUs: median(perStep),
    extraSteps,
    jsonParseUs: jsonParseCost(callsPerRound),
    rounds,
    callsPerRound,
    samples,
  };
}

function jsonParseCost(calls: number): number {
  let keep: unknown;
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) keep = JSON.parse(ARTWORK_TEXT);
  const used = process.cpuUsage(before);
  if (keep === undefined) throw new Error('unreachable');
  return (used.user + used.system) / calls;
}
