/**
 * The step toolkit: everything the built-in steps use from the core, public (`backbone-super-sync/middleware`
 * exports it), so that a step written outside the package can do what a built-in one does at the same cost.
 * The files in middleware/ and lib/cache/ import the core from here and from lib/types.ts (types) only; a
 * lint rule holds them to it.
 */

// Failing a call, and copying a failure that several callers share.
export { SyncError, copyError } from './errors';
export type { SyncErrorCode, FailureTextStatus } from './errors';

// The call's abort (`xhr.abort()`, `options.signal`, the deadline), heard without making an AbortSignal.
export { onAbort, abortReason, detachedContext } from './context';
// Waiting within the call: a pause that ends at the abort, and a promise raced against it.
export { sleep, untilAborted } from './signal';

// One request for many callers: a task shared by key (its signal aborts when the last caller leaves), and
// the rest of the stack run on a detached context of its own, the response copied per caller.
export { InFlight } from './in-flight';
export type { InFlightTicket } from './in-flight';
export { runShared, copyResponse } from './shared-request';

// Credentials: mark a header as one, and know them whatever their name.
export {
  markCredentialHeader,
  isCredentialHeader,
  credentialHeadersOf,
  credentialOf,
  credentialHash,
} from './credentials';

// What is sent: the URL as the transport sends it, and the key of a request as the cache and dedupe make it.
export { wireUrl } from './wire-url';
export { requestKey, DEFAULT_KEY_PREFIX } from './request-key';
export type { RequestKeyOptions } from './request-key';

// Hashing, secrets and sizes as Node and the browser both do them (keys that hold no secret, entry bounds).
export { sha256Hex, hmacSha256Hex, randomSecret, utf8Length, statusTextOf } from './platform';

// Header names a step must not set, and how to say so.
export { FRAMING_HEADERS, framingHeaderIn, framingHeaderMessage, isHeaderName } from './header-names';

// Printing a call without its secrets.
export { maskUrl, DEFAULT_SENSITIVE_PARAMS, REDACTED } from './redact';

// The body of a response as this call wants it (dataType included).
export { decodeBody } from './decode-body';

// How the cache answered a call (`xhr.cacheStatus`).
export { cacheStatusOf } from './settle';
export type { CacheStatus } from './handle';

// Latest-wins and abort-on-event, as `latest()` uses them.
export { supersedeRead, abortOn } from './latest';

// What a transport needs: progress reporting and URL checks. (Node's agent and sockets stay in lib/runtime.ts,
// which the transport alone imports: their types would make every consumer need @types/node.)
export { progressReporter } from './progress';
export type { ProgressEvent } from './progress';
export { unsupportedSchemeReason } from './url-scheme';

// A module's own configuration keys and instance property, as the cache declares its keys and `sync.cache`.
export {
  defineConfig,
  configValue,
  CONFIG_VALUES,
  headerNamesProblem,
  positiveIntegerProblem,
  booleanProblem,
  unknownKeyProblem,
} from './config';
export type { ConfigEntry, ConfigTable, DefineConfigOptions } from './config';
export { defineInstanceApi } from './instance-api';
export type { InstanceApi } from './instance-api';
