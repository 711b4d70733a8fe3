/**
 * Public types of backbone-super-sync. Users read these: every option is documented here,
 * with its default, and nowhere else.
 */
import type { SyncError } from './errors';
import type { SyncHandle } from './handle';
import type { Headers, HttpMethod, ProgressEvent } from './http-types';

export type { Headers, HttpMethod, ProgressEvent };

/**
 * A Node `http.Agent` or `https.Agent`, typed by its shape so that browser apps, which have no
 * `@types/node`, compile against these types.
 */
export interface HttpAgent {
  maxSockets: number;
  destroy(): void;
}

/** The five methods Backbone hands to `sync`. */
export type SyncMethod = 'create' | 'read' | 'update' | 'patch' | 'delete';

/** What `sync` needs of a Backbone model or collection. */
export interface SyncModel {
  url?: string | (() => string);
  toJSON?(options?: unknown): unknown;
  trigger?(event: string, ...args: unknown[]): unknown;
  collection?: SyncModel;
  [key: string]: unknown;
}

/**
 * The request as the steps see it. The sync entry builds it synchronously from the model and
 * options (Backbone changes a model's attributes only for the duration of the call); any step
 * may change it before `transport` sends it.
 */
export interface SyncRequest {
  /** The HTTP verb that goes on the wire. */
  method: HttpMethod;
  /** The URL as given by `options.url` or the model, without the query built from `query`. */
  url: string;
  /** Serialised onto the URL jQuery-style (`a[]=1&a[]=2`); a string goes out as it is. */
  query: Record<string, unknown> | string | undefined;
  /** Request headers, lower-case names. */
  headers: Headers;
  /** The body as it goes on the wire (already a string), or undefined for none. */
  body: string | undefined;
  /** The total deadline of the call in ms; 0 means none. */
  timeout: number;
  /**
   * Lower-case names of headers that steps marked as credentials (see `markCredentialHeader`), besides
   * Authorization, Cookie, Proxy-Authorization and `sync.privateHeaders`, which always are.
   */
  credentialHeaders?: string[];
}

/** The response as the steps see it on the way back up. */
export interface SyncResponse {
  status: number;
  statusText: string;
  /** Response headers, lower-case names. */
  headers: Headers;
  /** The raw body text ('' when there was none). */
  text: string;
  /** The parsed body (set by `parse`; `undefined` for an empty body). */
  body?: unknown;
  /** True when a cache step answered instead of the network. */
  fromCache: boolean;
}

/** One call's context: the only way steps talk to each other. */
export interface SyncContext {
  readonly method: SyncMethod;
  readonly model: SyncModel;
  readonly options: SyncOptions;
  /** The instance the call runs on (its configuration: `timeout`, `headers`, ...). */
  readonly sync: SyncInstance;
  request: SyncRequest;
  response: SyncResponse | undefined;
  /** Free space for user steps (retry counts, timings, ...). */
  state: Record<string, unknown>;
  /** Aborted when the call is aborted or times out; its `reason` is the `SyncError`. */
  readonly signal: AbortSignal;
  /** Epoch ms by which the whole call must be done, or `Infinity` (set by the `timeout` step). */
  deadline: number;
  /** The xhr-like handle returned to the caller. */
  readonly xhr: SyncHandle<unknown>;
  /** Ends the call now with `error` (as `abort()` and the timeout do). */
  abort(error: SyncError): void;
}

/**
 * Runs the steps inside the current one, once. A step marked `reentrant` may call it again after it
 * settled (a retry), and `next(other)` runs the inner steps on another context (a request shared by
 * several calls); an ordinary step that calls it twice fails the call with an error naming the step.
 */
export type Next = (ctx?: SyncContext) => Promise<void>;

/**
 * A koa-style step: do something, `await next()` to run the steps inside, look at `ctx.response`.
 * A step may carry an `order` declaring where it must sit (see {@link StepOrder}).
 */
export interface Middleware {
  (ctx: SyncContext, next: Next): Promise<void> | void;
  /** Where this step must sit relative to other steps, checked by `use`, `replace` and per-request steps. */
  order?: StepOrder;
  /**
   * True for a step that runs the rest of the stack more than once (a retry, a replay after a 401) or on
   * another context (a request shared by several calls). The stack is composed in segments split at such
   * steps, and each gets a `next` that runs the composed rest afresh. Every other step keeps koa-compose's
   * guard against a second `next()`.
   * @example retryStep.reentrant = true
   */
  reentrant?: boolean;
}

/**
 * Where a step must sit, by the names of other steps (outermost first). A rule applies only while
 * the named step is in the stack. `use()` without a placement puts the step where its rules allow
 * (just before `cache` when they allow that); a placement that breaks a rule throws, naming both steps.
 * @example retryStep.order = { after: ['timeout'], before: ['parse'], reason: 'shouldRetry sees parsed bodies' }
 */
export interface StepOrder {
  /** Steps this one must wrap: it sits before (outside) each of them. */
  before?: readonly string[];
  /** Steps that must wrap this one: it sits after (inside) each of them. */
  after?: readonly string[];
  /** Why, quoted in the error when a placement breaks the rule. */
  reason?: string;
}

/** Where a step comes from, as `sync.print()` shows it. */
export type StepOrigin = 'built-in' | 'instance' | 'per-request';

/** What `sync.print(options)` draws: the stack a call with these options runs through. */
export interface PrintOptions {
  /** Per-request steps, as a call's `options.middleware`; drawn with the origin `per-request`. */
  middleware?: readonly Middleware[];
}

/** Place a step relative to another one, by name. */
export interface Placement {
  before?: string;
  after?: string;
}

/** The jQuery-like settings object handed to `options.beforeSend(xhr, settings)`. */
export interface BeforeSendSettings {
  type: HttpMethod;
  url: string;
  data: string | undefined;
  contentType: string | false;
  dataType: string;
  headers: Headers;
  timeout: number;
  context: unknown;
}

/**
 * The options Backbone passes through (`model.fetch(options)` and friends), plus this package's own.
 * Unknown keys are left alone, as jQuery leaves them.
 */
export interface SyncOptions {
  /** Overrides the model's URL. */
  url?: string;
  /** Query string (GET, DELETE) or request body (POST, PUT, PATCH), sent as given. */
  data?: Record<string, unknown> | string;
  /** The attributes to send instead of `model.toJSON(options)` (Backbone sets it for `patch`). */
  attrs?: Record<string, unknown>;
  /** Extra request headers for this call. */
  headers?: Headers;
  /** Total deadline for this call in ms; 0 disables it. @default sync.timeout (10000) */
  timeout?: number;
  /** @default Backbone.emulateHTTP, else false */
  emulateHTTP?: boolean;
  /** @default Backbone.emulateJSON, else false */
  emulateJSON?: boolean;
  /** Content type of a body given in `data`. @default 'application/x-www-form-urlencoded; charset=UTF-8' */
  contentType?: string;
  /** 'json' parses every 2xx body as JSON (as jQuery does for Backbone); 'text' keeps it a string. @default 'json' */
  dataType?: 'json' | 'text';
  /** `this` for every callback. */
  context?: unknown;
  /** Runs before sending; returning `false` cancels the call (textStatus 'canceled'). */
  beforeSend?: (this: unknown, xhr: SyncHandle<unknown>, settings: BeforeSendSettings) => unknown;
  success?: (this: unknown, data: unknown, textStatus: string, xhr: SyncHandle<unknown>) => void;
  error?: (this: unknown, xhr: SyncError, textStatus: string, errorThrown: string) => void;
  complete?: (this: unknown, xhr: SyncHandle<unknown> | SyncError, textStatus: string) => void;
  /** Aborting it aborts the call, as `xhr.abort()` does. */
  signal?: AbortSignal;
  /** Cache this read (only GET reads are cached; ignored on other methods). @default false */
  cache?: boolean;
  /**
   * How long a cached read is fresh: seconds (the app's TTL, as in 1.1.1; 0 or less reads the cache but
   * stores nothing; Redis clients get whole seconds, at least 1), or `'http'`: what the response says
   * (`s-maxage`, `max-age`, `Expires`). @default sync.defaultCacheTime (3600)
   */
  cacheTime?: number | 'http';
  /**
   * Seconds a stale entry is kept past its freshness: revalidated with its ETag or Last-Modified (a 304
   * answers from it), and served when the server fails (`staleIfError`). @default sync.cacheGrace (0)
   */
  cacheGrace?: number;
  /**
   * When the server fails (5xx, network error, or no answer by four fifths of the time left) and a
   * stale entry of this request is kept, answer with it (`xhr.cacheStatus` 'stale'). @default true
   */
  staleIfError?: boolean;
  /**
   * Answer a stale entry at once and refresh it in the background (one request per key), as a response's
   * own `stale-while-revalidate` allows. @default false
   */
  staleWhileRevalidate?: boolean;
  /**
   * Upload and download progress, `{ direction, loaded, total }`, as bytes go (also the model's 'progress'
   * event, for its listeners). @example model.save(null, { progress: (e) => bar.set(e.loaded / e.total) })
   */
  progress?: (event: ProgressEvent) => void;
  /**
   * jQuery's `ifModified`: send the `ETag` / `Last-Modified` this URL last answered with; an unchanged resource
   * answers 304, the call succeeds with textStatus 'notmodified' and the model or collection is left as it is
   * (its 'sync' event still fires). @default false
   */
  ifModified?: boolean;
  /**
   * Latest wins: this read aborts the read of the same model or collection still in flight (which settles as
   * 'abort' without touching it). With the `latest()` step every read does; `false` opts a call out.
   */
  latest?: boolean;
  /** The cache key of this read, used as it is (no prefix added). @default sync.cacheKey(ctx), else the request key */
  cacheKey?: string;
  /**
   * A read that carries `Authorization`, `Cookie`, `Proxy-Authorization` or one of `sync.privateHeaders` is
   * not cached (RFC 9111 section 3.5) unless it says whose the response is: `'public'` (the same for every
   * caller: one shared entry) or `'user'` (an entry per credential, keyed by an HMAC of it).
   * @default undefined (private requests bypass the cache)
   */
  cacheScope?: CacheScope;
  /**
   * Steps for this call only, placed as `use()` places them (just before `cache`, or where their
   * `order` requires) and drawn as `per-request` by `sync.print({ middleware })`.
   * @example model.fetch({ middleware: [headers({ 'x-trace-id': id })] })
   */
  middleware?: readonly Middleware[];
  /** Set on success: the response status and headers (as backbone-super-sync 1.1.1 did). */
  res?: { status: number; headers: Headers };
  /** Set by Backbone's error wrapper: the failed call's textStatus and errorThrown. */
  textStatus?: string;
  errorThrown?: string;
  /** Set to the returned handle before the 'request' event fires. */
  xhr?: SyncHandle<unknown>;
  [key: string]: unknown;
}

/** Configuration shared by every call of an instance (`createSync(config)`, `sync.extend(config)`). */
export interface SyncConfig extends CoreConfig, CacheConfig {}

/** The core's configuration: the call, the transport, and what makes a request private or keyed. */
export interface CoreConfig {
  /** Total deadline per call in ms; 0 disables it. @default 10000 */
  timeout?: number;
  /** Headers for every call: an object, or a function of the context returning one. @default {} */
  headers?: Headers | ((ctx: SyncContext) => Headers);
  /**
   * Request headers left out of the cache key (and dedupe's): per-call noise that does not change the
   * answer. Every other header present when `cache` runs is part of the key.
   * @default ['traceparent', 'tracestate', 'x-request-id', 'x-correlation-id']
   */
  cacheIgnoreHeaders?: string[];
  /**
   * The Node `http.Agent` (or `https.Agent`) the transport uses; `false` for none (a new connection
   * per request). @default a shared keep-alive agent
   */
  agent?: HttpAgent | false;
  /** Largest response body accepted, in bytes. @default 10485760 (10 MB) */
  maxResponseBytes?: number;
  /** Redirects followed before failing. @default 5 */
  maxRedirects?: number;
  /**
   * Request headers that carry credentials, besides `Authorization`, `Cookie` and `Proxy-Authorization` which
   * always do: never forwarded to another origin on a redirect (and, with the cache, never shared).
   * @default ['x-access-token', 'x-auth-token', 'x-api-key']
   */
  privateHeaders?: string[];
}

/** The cache step's configuration (declared by the cache; absent from an instance without a 'cache' step). */
export interface CacheConfig {
  /**
   * Where `cache: true` reads live: a node-redis v4+ client or cluster, an ioredis client or Cluster, a client
   * on the 1.1.1 callback contract (node-redis v3, or an object with `get(key, cb)`, `set(key, value, cb)` and
   * `expire(key, seconds, cb)`), or any `CacheStore` (such as `memoryStore()`). Checked when set.
   * @default null (a `memoryStore()` of this instance, shared with its `extend()` children)
   */
  cacheClient?: unknown;
  /** How long a cached read is fresh: seconds, or `'http'` (see `SyncOptions.cacheTime`). @default 3600 */
  defaultCacheTime?: number | 'http';
  /** Seconds a stale entry is kept for revalidation and stale-if-error (see `SyncOptions.cacheGrace`). @default 0 */
  cacheGrace?: number;
  /**
   * The key of a cached read, from its context; replaces the request key (which hashes the method, the URL
   * as sent and the request headers but `cacheIgnoreHeaders` and credentials). `legacyCacheKey` reproduces 1.1.1's `url + JSON.stringify(data)`.
   * @default null (the request key: `cachePrefix` + sha256 hex)
   * @example createSync({ cacheKey: legacyCacheKey })
   */
  cacheKey?: ((ctx: SyncContext) => string) | null;
  /** Prefix of every request key. @default 'bss:' */
  cachePrefix?: string;
  /**
   * Secret of the HMAC that keys `cacheScope: 'user'` entries. Give every process the same one so they share
   * those entries. @default null (a random secret per process)
   */
  cacheUserSecret?: string | null;
  /** Milliseconds a cache read or write may take before it counts as a miss (or a lost write). @default 100 */
  cacheTimeout?: number;
  /** Largest stored entry, in bytes; larger responses are served but not stored. @default 1048576 (1 MB) */
  cacheMaxEntryBytes?: number;
  /**
   * After `failures` cache failures in a row, the cache is not asked for `cooldown` ms (reads go to the
   * network), then one call tries it again. @default { failures: 5, cooldown: 30000 }
   */
  cacheBreaker?: { failures?: number; cooldown?: number };
  /**
   * Hot entries refresh in the background shortly before they expire, with a probability rising as expiry
   * nears and with how long their fetch took (XFetch), so they rarely expire under load. @default true
   */
  cacheEarlyRefresh?: boolean;
  /**
   * How processes sharing one Redis (or Redis Cluster) coordinate; on whenever `cacheClient` is a Redis
   * client, `false` turns it all off. `invalidation`: a write through any process invalidates its URLs for
   * every process (a generation per URL in Redis). `lock`: one process per cold key fetches, the others wait
   * up to `lockWait` ms for its entry (a lease of `lease` ms, renewed while the fetch runs).
   * @default { invalidation: true, lock: true, lease: 500, lockWait: 2000, generationTtl: 604800, earlyRefresh: true }
   */
  cacheFleet?: Partial<FleetOptions> | false;
  /**
   * An in-process tier in front of a Redis store, dropped per URL when any process writes to it (pub/sub),
   * and after `ttl` seconds in any case. Call `sync.cache.close()` to stop listening.
   * @default false (`true` for { max: 1000, maxBytes: 10485760, ttl: 5 })
   */
  nearCache?: Partial<NearCacheOptions> | boolean;
  /**
   * Told of every cache failure (each one is also a miss or a lost write; the call goes on). Errors are
   * `SyncError`s with code `'ERR_CACHE'` and the client's error as `cause`.
   * @default null (one `console.warn` for the first failure of each store, then silence)
   */
  onCacheError?: ((error: SyncError, info: CacheErrorInfo) => void) | null;
}

/** A sync instance: call it as `Backbone.sync`, configure it with properties, edit its stack. */
export interface SyncInstance extends Required<
  Omit<SyncConfig, 'agent' | 'cacheClient' | 'cacheBreaker' | 'cacheFleet' | 'nearCache'>
> {
  (method: SyncMethod, model: SyncModel, options?: SyncOptions): SyncHandle<unknown>;
  /** Loose form, so `Backbone.sync = superSync` type-checks against @types/backbone; checked at run time. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (method: string, model: any, options?: any): SyncHandle<unknown>;
  agent: HttpAgent | false | undefined;
  /** Setting it checks the client's shape (a `TypeError` for anything no adapter fits). */
  cacheClient: unknown;
  cacheBreaker: { failures: number; cooldown: number };
  cacheFleet: FleetOptions | false;
  nearCache: NearCacheOptions | false;
  /** The cache of this instance's reads (not a step: the step is named `'cache'` in the stack). */
  readonly cache: CacheControl;
  /**
   * Adds a step. Without a placement it goes just before `cache` (after earlier `use` calls), so
   * headers it sets are part of the cache key and it wraps cache hits too.
   * @example sync.use('log', async (ctx, next) => { await next(); console.log(ctx.response?.status) })
   */
  use(middleware: Middleware): SyncInstance;
  use(name: string, middleware: Middleware, placement?: Placement): SyncInstance;
  /** Removes the named step. */
  remove(name: string): SyncInstance;
  /** Swaps the named step for another (keeps its name and place). */
  replace(name: string, middleware: Middleware): SyncInstance;
  /** The step names, outermost first. */
  steps(): string[];
  /**
   * A text picture of the onion with each step's origin (built-in, instance, per-request): the request
   * goes down, the response comes back up. Pass a call's `{ middleware }` to see where its per-request
   * steps go.
   */
  print(options?: PrintOptions): string;
  /** A child instance that starts from this one's stack and configuration; its edits stay its own. */
  extend(config?: SyncConfig): SyncInstance;
}

/** Who a cached response belongs to (see `SyncOptions.cacheScope`). */
export type CacheScope = 'public' | 'user';

/**
 * A cache store: what `cacheClient` may be besides a Redis client. Values are strings; `ttlSeconds` may be
 * a fraction. Any error or rejection counts as a miss (or a lost write), never as a failed call.
 * @example const store: CacheStore = { get: (k) => db.get(k), set: (k, v, s) => db.put(k, v, s), delete: (k) => db.del(k) }
 */
export interface CacheStore {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<unknown>;
  /** Lets writes invalidate cached reads, and corrupt entries be removed. */
  delete?(key: string): Promise<unknown>;
  /** Lets `sync.cache.clear()` empty the store. */
  clear?(): Promise<unknown> | void;
}

/** What a cache failure was doing (`onCacheError`'s second argument). */
export interface CacheErrorInfo {
  operation: 'get' | 'set' | 'delete' | 'decode';
  key: string;
}

/** `sync.cache`: the cache of an instance's reads. */
export interface CacheControl {
  /**
   * Forgets the cached reads of `url` and of every query on it (`/items` covers `/items?page=2`): this process
   * serves none of them again, and the store deletes those it can find. Resolves when the deletes are done.
   */
  invalidate(url: string): Promise<void>;
  /** Forgets every cached read: empties a store that can be emptied (the memory store), else deletes the keys this process knows. */
  clear(): Promise<void>;
  /** Stops the near cache's listening connection (so a process can exit); the cache goes on without it. */
  close(): Promise<void>;
  /**
   * The cached reads this instance answered lately (the last 100), for the page a server renders: JSON-safe and
   * safe inside a `<script>` (each entry is base64). Entries cached per user only with `includeUserEntries`.
   * @example `<script>window.__BSS__ = ${JSON.stringify(renderSync.cache.snapshot())}</script>`
   */
  snapshot(options?: SnapshotOptions): CacheSnapshot;
  /** Loads a snapshot into this instance's store, keyed as this instance keys its reads; resolves with how many. */
  hydrate(snapshot: unknown): Promise<number>;
}

/** How the processes that share one Redis coordinate (`cacheFleet`). */
export interface FleetOptions {
  /** A write through any process invalidates every process's entries of its URLs (a generation per URL). */
  invalidation: boolean;
  /** One process per cold key fetches; the others wait for its entry (a Redis lease). */
  lock: boolean;
  /** Milliseconds a lease lasts unless its holder renews it (it does, while its fetch runs). */
  lease: number;
  /** Milliseconds a process waits for another's fetch before it fetches itself (within the call's deadline). */
  lockWait: number;
  /** Seconds a URL's generation is kept after its last write; entries never outlive it. */
  generationTtl: number;
  /** Hot entries refresh before they expire, with a probability rising as expiry nears (XFetch). */
  earlyRefresh: boolean;
}

/** An in-process tier in front of Redis (`nearCache`), kept coherent by pub/sub. */
export interface NearCacheOptions {
  /** Entries kept. @default 1000 */
  max: number;
  /** Bytes kept (keys and values). @default 10485760 (10 MB) */
  maxBytes: number;
  /** Seconds an entry is kept: the bound on staleness when invalidation messages are lost. @default 5 */
  ttl: number;
}

/** What `sync.cache.snapshot()` returns: JSON-safe, and safe inside a `<script>` (every entry is base64). */
export interface CacheSnapshot {
  v: 1;
  entries: string[];
}

export interface SnapshotOptions {
  /**
   * Include the entries cached per user (`cacheScope: 'user'`). Only for a page made for that user: their
   * answers go into the page. Reads that bypassed the cache (credentials, no scope) are never in it.
   * @default false
   */
  includeUserEntries?: boolean;
}
