/** The middleware factories: `import { retry, dedupe, logger, auth, headers } from 'backbone-super-sync/middleware'`. */
export { timeout } from './timeout';
export { headers } from './headers';
export { cache } from './cache';
export { parse } from './parse';
export { transport } from './transport';
export { retry } from './retry';
export type { RetryOptions, RetryDecision } from './retry';
export { dedupe } from './dedupe';
export type { DedupeOptions } from './dedupe';
export { logger } from './logger';
export type { LoggerOptions, LogEntry } from './logger';
export { auth } from './auth';
export { latest } from './latest';
export { concurrency } from './concurrency';
export { tracing } from './tracing';
export type { TracingOptions, OpenTelemetryApi } from './tracing';
export type { LatestOptions } from './latest';
export type { AuthOptions } from './auth';

// The toolkit every step author gets, the built-in steps included.
export * from '../lib/toolkit';
