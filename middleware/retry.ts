import { SyncError, sleep } from '../lib/toolkit';
import type { Middleware, SyncContext, SyncMethod } from '../lib/types';

export interface RetryDecision {
  /** The failure of the attempt that just ended (`responseJSON` holds its parsed body). */
  error: SyncError;
  /** Retries made so far (0 after the first attempt). */
  retries: number;
  ctx: SyncContext;
}

export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  retries?: number;
  /** Backbone methods that may be retried; writes only when listed. @default ['read'] */
  methods?: readonly SyncMethod[];
  /** HTTP statuses retried (network errors always are). @default [408, 429, 500, 502, 503, 504] */
  statuses?: readonly number[];
  /** The shortest wait before a retry, in ms, and the start of the exponential window. @default 300 */
  minDelay?: number;
  /** The longest wait before a retry, in ms. @default 10000 */
  maxDelay?: number;
  /**
   * Full jitter: retry n waits a random time between `minDelay` and `min(maxDelay, minDelay * 2^n)`,
   * so clients that failed together do not come back together. `false`: exactly
   * `min(maxDelay, minDelay * 2^(n-1))`. @default true
   */
  jitter?: boolean;
  /**
   * The longest `Retry-After` (seconds or an HTTP date) honoured, in ms; a response asking for a
   * longer pause fails without a retry. @default 60000
   */
  maxRetryAfter?: number;
  /**
   * Decides instead of the `statuses` rule (return `undefined` to keep it); `retries`, `methods` and
   * the deadline still apply. Retry sits outside `parse`, so `error.responseJSON` is the parsed body.
   */
  shouldRetry?: (decision: RetryDecision) => boolean | undefined | Promise<boolean | undefined>;
}

const SYNC_METHODS: readonly SyncMethod[] = ['create', 'read', 'update', 'patch', 'delete'];

/**
 * Retries failed calls with exponential backoff and full jitter, honouring `Retry-After`. Never past
 * the `timeout` step's deadline: a retry that could not start before it is not made, and the call
 * fails with the last error. `ctx.state.attempts` counts the requests made, `ctx.state.retries` the
 * retries among them. The app's callbacks run once, with the final outcome.
 */
export function retry(options: RetryOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') throw new TypeError('retry() takes an options object');
  const {
    retries = 2,
    methods = ['read'],
    statuses = [408, 429, 500, 502, 503, 504],
    minDelay = 300,
    maxDelay = 10_000,
    jitter = true,
    maxRetryAfter = 60_000,
    shouldRetry,
  } = options;
  if (!(Number.isSafeInteger(retries) && retries >= 0)) {
    throw new TypeError(`retry(): retries must be an integer >= 0, got ${String(retries)}`);
  }
  if (!Array.isArray(methods) || !methods.every((method) => SYNC_METHODS.includes(method))) {
    throw new TypeError(`retry(): methods must be an array of ${SYNC_METHODS.join(', ')}`);
  }
  if (!Array.isArray(statuses) || !statuses.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
    throw new TypeError('retry(): statuses must be an array of HTTP status codes (100-599)');
  }
  checkMs('minDelay', minDelay);
  checkMs('maxDelay', maxDelay);
  checkMs('maxRetryAfter', maxRetryAfter);
  if (minDelay > maxDelay) throw new TypeError(`retry(): minDelay (${minDelay}) is above maxDelay (${maxDelay})`);
  if (typeof jitter !== 'boolean') throw new TypeError('retry(): jitter must be true or false');
  if (shouldRetry !== undefined && typeof shouldRetry !== 'function') {
    throw new TypeError('retry(): shouldRetry must be a function');
  }
  const retriedStatuses = new Set(statuses);
  const retriedMethods = new Set(methods);

  function backoff(retry: number): number {
    if (!jitter) return Math.min(maxDelay, minDelay * 2 ** (retry - 1));
    const ceiling = Math.min(maxDelay, minDelay * 2 ** retry);
    return minDelay + Math.random() * (ceiling - minDelay);
  }

  async function retryable(error: unknown, ctx: SyncContext, done: number): Promise<boolean> {
    if (!(error instanceof SyncError) || ctx.signal.aborted) return false;
    if (error.code !== 'ERR_HTTP' && error.code !== 'ERR_NETWORK') return false;
    const verdict = shouldRetry ? await shouldRetry({ error, retries: done, ctx }) : undefined;
    if (verdict !== undefined) return verdict;
    return error.code === 'ERR_NETWORK' || retriedStatuses.has(error.status);
  }

  const step: Middleware = async function retry(ctx, next) {
    if (!retriedMethods.has(ctx.method)) return next();
    for (let done = 0; ; done++) {
      ctx.state.attempts = done + 1;
      ctx.state.retries = done;
      try {
        await next();
        return;
      } catch (error) {
        if (done >= retries || !(await retryable(error, ctx, done))) throw error;
        const asked = retryAfter((error as SyncError).responseHeaders['retry-after']);
        if (asked !== undefined && asked > maxRetryAfter) throw error;
        const wait = asked ?? backoff(done + 1);
        if (Date.now() + wait >= ctx.deadline) throw error;
        await sleep(wait, ctx.signal);
        ctx.response = undefined;
      }
    }
  };
  step.order = {
    after: ['timeout'],
    before: ['parse'],
    reason: 'retries stay within the total deadline, and shouldRetry sees parsed bodies',
  };
  // Sends the rest of the stack again for each attempt.
  step.reentrant = true;
  return step;
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function checkMs(name: string, value: unknown): void {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new TypeError(`retry(): ${name} must be a number of ms >= 0, got ${String(value)}`);
  }
}
