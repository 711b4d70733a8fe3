import koaCompose from 'koa-compose';
import { SyncError } from './errors';
import type { Middleware, SyncContext } from './types';

export type Pipeline = (ctx: SyncContext) => Promise<void>;

/** A step as the stack holds it: its name goes into the error when it misuses `next()`. */
export interface NamedStep {
  readonly name: string;
  readonly middleware: Middleware;
}

type KoaStep = (ctx: SyncContext, next: () => Promise<void>) => Promise<void>;

const KOA_GUARD = 'next() called multiple times';
const DONE: Pipeline = () => Promise.resolve();

/**
 * Composes the stack with koa-compose. Runs of ordinary steps are one koa-compose each, so they keep its
 * guard: a step that calls `next()` twice gets an error naming it, and nothing inside runs twice. The stack
 * splits at steps marked `reentrant` (retry, auth's replay, dedupe, the cache's shared miss): such a step gets
 * a `next` that runs the composed rest of the stack afresh, as often as it likes and on the context it passes.
 */
export function compose(steps: readonly NamedStep[]): Pipeline {
  for (const step of steps) {
    if (typeof step.middleware !== 'function') throw new TypeError('Middleware must be composed of functions');
  }
  let inner: Pipeline | undefined;
  let run: KoaStep[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const composed = koaCompose<SyncContext>(run);
    const after = inner;
    inner = after === undefined ? (ctx) => composed(ctx) : (ctx) => composed(ctx, () => after(ctx));
    run = [];
  };
  for (let i = steps.length - 1; i >= 0; i--) {
    const { name, middleware } = steps[i];
    if (middleware.reentrant === true) {
      closeRun();
      run.unshift(reentrantStep(name, middleware, inner ?? DONE));
    } else {
      run.unshift(guardedStep(name, middleware));
    }
  }
  closeRun();
  return inner ?? DONE;
}

/** Ends its koa-compose run: instead of koa's `next`, it gets the composed rest of the stack, to run at will. */
function reentrantStep(name: string, middleware: Middleware, rest: Pipeline): KoaStep {
  return function reentrant(ctx) {
    const running = Promise.resolve(middleware(ctx, (other?: SyncContext) => rest(other ?? ctx)));
    return ctx.state.timings === undefined ? running : timed(ctx, name, running);
  };
}

/**
 * When a step asked for them (`ctx.state.timings = {}`: `tracing()`, `logger({ timings: true })`), the time of each
 * step from its start until its promise settles, steps inside it included, in ms; repeated runs (retries) add up.
 */
function timed(ctx: SyncContext, name: string, running: Promise<void>): Promise<void> {
  const timings = ctx.state.timings as Record<string, number>;
  const started = performance.now();
  const record = () => {
    timings[name] = (timings[name] ?? 0) + (performance.now() - started);
  };
  return running.then(record, (error: unknown) => {
    record();
    throw error;
  });
}

/** koa-compose's "next() called multiple times", restated with the name of the step that did it. */
function guardedStep(name: string, middleware: Middleware): KoaStep {
  const rename = (error: unknown) => {
    if (error instanceof Error && !(error instanceof SyncError) && error.message === KOA_GUARD) {
      throw new SyncError(
        'ERR_MIDDLEWARE',
        `Step "${name}" called next() more than once; only a step marked \`reentrant = true\` may run the rest of the stack again`,
        { cause: error },
      );
    }
    throw error;
  };
  return function step(ctx, next) {
    let running: Promise<void>;
    try {
      running = Promise.resolve(middleware(ctx, next)).catch(rename);
    } catch (error) {
      return Promise.reject(error);
    }
    return ctx.state.timings === undefined ? running : timed(ctx, name, running);
  };
}
