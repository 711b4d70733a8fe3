import {
  abortReason,
  copyError,
  credentialOf,
  decodeBody,
  isCredentialHeader,
  runShared,
  statusTextOf,
  SyncError,
  wireUrl,
} from '../toolkit';
import { decodeEntry, encodeEntry, fitsIn, type CacheEntry } from './entry';
import { recordRead } from './snapshot';
import { missesOf, storeOf, usedStateOf, type SharedResponse } from './instance';
import { plainReadKey, readKey, userSuffix } from './keys';
import {
  CachePolicy,
  hasValidator,
  isStorable,
  makePolicy,
  policyObjectOf,
  policyRequest,
  requestForbidsStoring,
  storedHeaders,
  storeSeconds,
  usableWhenStale,
  type CacheTime,
  type PolicyRequest,
} from './policy';
import { fleetKeys, Lease, type FleetKeys, type FleetOptions } from './fleet';
import { FLEET_ORIGIN, stateOf, urlBase, type StoreState } from './store-state';
import type { Headers, Middleware, Next, SyncContext, SyncModel, SyncResponse } from '../types';

/**
 * How the cache step answered a read, in `ctx.state.cache` and on the handle (`xhr.cacheStatus`):
 * 'hit' fresh from the cache; 'revalidated' the server said 304 and the stored body answered; 'stale' a
 * stored answer past its freshness (the server failed, or stale-while-revalidate); 'miss' fetched;
 * 'shared' fetched by another call at the same time; 'bypass' the read could not use the cache.
 */
export type CacheOutcome = 'hit' | 'revalidated' | 'stale' | 'miss' | 'shared' | 'bypass';

/** Where a read stands: what it asks the store under, and the policy inputs it was judged by. */
interface ReadPlan {
  /** The key the entry lives under (a fleet key carries its URL's hash tag). */
  key: string;
  /** The URL as sent. */
  url: string;
  base: string;
  request: PolicyRequest;
  cacheTime: CacheTime;
  grace: number;
  /** Entries kept per user are a private cache's (RFC 9111 section 3.5). */
  shared: boolean;
  state: StoreState;
  /** For a store shared by processes: the Redis keys of this read and the URL's generation when it was read. */
  fleet: { keys: FleetKeys; generation: number; options: FleetOptions } | undefined;
}

/**
 * `cache: true` reads, from `sync.cacheClient` (or the instance's memory store), keyed by exactly what
 * is sent (see `requestKey`). A fresh entry answers without `next()`; a stale one with a validator is
 * revalidated (a 304 answers from the entry); a stale one answers when the server fails (stale-if-error)
 * or, when allowed, at once while one background request refreshes it (stale-while-revalidate). A miss is
 * fetched once however many calls want it at the same time, and its entry is written before any caller's
 * callbacks run. Reads carrying credentials bypass it unless `cacheScope` says whose they are. A
 * successful write forgets the cached reads of its model's and collection's URLs (and of its response's
 * Location and Content-Location). The cache never fails a call: every cache failure is a miss.
 */
export function cache(): Middleware {
  const step: Middleware = function cache(ctx, next) {
    if (ctx.method !== 'read') return writeThrough(ctx, next);
    if (!ctx.options.cache || ctx.request.method !== 'GET') return next();
    return cachedRead(ctx, next);
  };
  // A coalesced miss runs the rest of the stack once, on a context of its own, for every caller that waits.
  step.reentrant = true;
  return step;
}

async function cachedRead(ctx: SyncContext, next: Next): Promise<void> {
  const { options, sync } = ctx;
  const cacheTime = checkedCacheTime(options.cacheTime ?? sync.defaultCacheTime);
  const grace = checkedGrace(options.cacheGrace ?? sync.cacheGrace);
  const scope = options.cacheScope;
  if (scope !== undefined && scope !== 'public' && scope !== 'user') {
    throw new TypeError(`cacheScope must be 'public' or 'user', got ${JSON.stringify(scope)}`);
  }
  const credential = scope === 'public' ? undefined : credentialOf(ctx);
  if (credential !== undefined && scope === undefined) return bypass(ctx, next);
  // A public read's credentials are the app's business (it said the answer is everyone's): the policy
  // judges the request without them.
  const leaveOut = scope === 'public' ? (name: string) => isCredentialHeader(ctx, name) : undefined;
  const directives = hasCacheDirectives(ctx.request.headers);
  let request: PolicyRequest | undefined;
  if (directives) {
    request = policyRequest('GET', ctx.request.headers, leaveOut);
    if (requestForbidsStoring(request)) return bypass(ctx, next);
  }
  let key = readKey(ctx);
  if (credential !== undefined) key += userSuffix(sync, credential);
  const state = stateOf(storeOf(sync), sync);
  const url = wireUrl(ctx.request);
  const base = urlBase(url);

  const fleetOptions = state.fleetOf(ctx);
  let fleet: ReadPlan['fleet'];
  let found: CacheEntry | undefined;
  if (fleetOptions) {
    const keys = fleetKeys(sync.cachePrefix, base, key);
    const read = await state.readFleet(ctx, keys, base);
    fleet = { keys, generation: read.generation, options: fleetOptions };
    found = read.entry;
    key = keys.entry;
  } else {
    found = await state.read(ctx, key, base);
  }
  const now = Date.now();
  // The common hit: no Vary, no directive in the request, within the freshness the policy gave when storing.
  if (found && !directives && found.freshUntil > now) {
    if (sync.cacheEarlyRefresh && refreshesEarly(found, now)) {
      request = policyRequest('GET', ctx.request.headers, leaveOut);
      const plan: ReadPlan = { key, url, base, request, cacheTime, grace, shared: scope !== 'user', state, fleet };
      const object = policyObjectOf(found);
      if (object) refreshInBackground(ctx, next, plan, found, CachePolicy.fromObject(object));
    }
    return answer(ctx, { key, url, shared: scope !== 'user' }, found, 'hit');
  }
  request ??= policyRequest('GET', ctx.request.headers, leaveOut);
  const plan: ReadPlan = { key, url, base, request, cacheTime, grace, shared: scope !== 'user', state, fleet };
  const object = found && policyObjectOf(found);
  const entry = object ? found : undefined;
  let policy: CachePolicy | undefined;
  if (entry && object) {
    policy = CachePolicy.fromObject(object);
    const verdict = policy.evaluateRequest(request);
    if (verdict.response && !verdict.revalidation) return answer(ctx, plan, entry, 'hit');
    // The response's own stale-while-revalidate, or the call's wish within the entry's grace.
    const allowed = verdict.response !== undefined && verdict.revalidation?.synchronous === false;
    if (allowed || (options.staleWhileRevalidate === true && usableWhenStale(policy, request))) {
      refreshInBackground(ctx, next, plan, entry, policy);
      return answer(ctx, plan, entry, 'stale');
    }
  }
  await fetchThroughCache(ctx, next, plan, entry, policy);
}

/**
 * XFetch (Vattani, Chierichetti and Lowenstein, VLDB 2015): refresh before expiry with a probability that
 * rises as expiry nears and with how long the fetch takes (`delta`), so a hot key's refresh starts before it
 * expires, once, instead of every reader missing at the same moment.
 */
function refreshesEarly(entry: CacheEntry, now: number): boolean {
  return entry.delta > 0 && now - entry.delta * Math.log(Math.random()) >= entry.freshUntil;
}

/** Whether the request carries its own cache directives (then the policy judges every entry it meets). */
function hasCacheDirectives(headers: Headers): boolean {
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (lower === 'cache-control' || lower === 'pragma') return true;
  }
  return false;
}

function bypass(ctx: SyncContext, next: Next): Promise<void> {
  ctx.state.cache = 'bypass' satisfies CacheOutcome;
  return next();
}

/** A miss or a revalidation, shared by every call that wants the same key at the same time. */
async function fetchThroughCache(
  ctx: SyncContext,
  next: Next,
  plan: ReadPlan,
  entry: CacheEntry | undefined,
  policy: CachePolicy | undefined,
): Promise<void> {
  const generation = plan.state.currentGeneration();
  const conditional = entry && policy && hasValidator(entry.headers) ? entry : undefined;
  // A write to this URL starts a new generation: calls after it never join a fetch begun before it.
  const flightKey = flightKeyOf(plan);
  // The fetch runs on its own signal (as dedupe's does): one caller's abort or timeout does not cut
  // the request the others wait for; it is aborted only when every caller has left.
  const ticket = missesOf(ctx.sync).join(flightKey, (signal) =>
    fetchShared(ctx, next, signal, plan, generation, conditional, policy, entry),
  );
  let shared: SharedResponse;
  try {
    shared = await waitWithFallback(ctx, ticket, entry);
  } catch (error) {
    if (entry && policy && staleIfError(ctx, error) && usableWhenStale(policy, plan.request)) {
      return answer(ctx, plan, entry, 'stale');
    }
    // Each caller gets its own error object: one that a handler changes must not change the others'.
    throw !ticket.leader && error instanceof SyncError && abortReason(ctx) !== error ? copyError(error) : error;
  }
  // Every waiter holds the same entry object: each decodes its own body from the text.
  if (shared.entry) return answer(ctx, plan, shared.entry, shared.entryOutcome, true);
  ctx.response = ticket.leader ? leaderResponse(shared) : followerResponse(ctx, shared);
  ctx.state.cache = (ticket.leader ? 'miss' : 'shared') satisfies CacheOutcome;
  if (shared.stored) recordRead(ctx, plan.key, shared.stored, !plan.shared, plan.url);
}

/**
 * The shared answer; but with a stale entry to fall back on, a call with a deadline stops waiting at
 * four fifths of the time it has left, so that stale-if-error can still answer before the call times out.
 */
function waitWithFallback(
  ctx: SyncContext,
  ticket: { wait(ctx: SyncContext): Promise<SharedResponse>; leave(): void },
  entry: CacheEntry | undefined,
): Promise<SharedResponse> {
  const waiting = ticket.wait(ctx);
  if (!entry || ctx.deadline === Infinity || ctx.options.staleIfError === false) return waiting;
  const budget = Math.max(0, (ctx.deadline - Date.now()) * 0.8);
  return new Promise<SharedResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      ticket.leave();
      reject(
        new SyncError('ERR_TIMEOUT', `no answer within ${Math.round(budget)}ms: answering from the stale entry`, {
          method: ctx.request.method,
          url: ctx.request.url,
        }),
      );
    }, budget);
    waiting.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether a failed fetch may be answered from the stale entry (RFC 5861 stale-if-error). */
function staleIfError(ctx: SyncContext, error: unknown): boolean {
  if (ctx.options.staleIfError === false || abortReason(ctx) !== undefined) return false;
  if (!(error instanceof SyncError)) return false;
  if (error.code === 'ERR_NETWORK' || error.code === 'ERR_TIMEOUT') return true;
  return error.code === 'ERR_HTTP' && error.status >= 500;
}

/** One background refresh per key: callers meanwhile get the stale entry. */
function refreshInBackground(
  ctx: SyncContext,
  next: Next,
  plan: ReadPlan,
  entry: CacheEntry,
  policy: CachePolicy,
): void {
  const flightKey = flightKeyOf(plan);
  const generation = plan.state.currentGeneration();
  const conditional = hasValidator(entry.headers) ? entry : undefined;
  const limit = ctx.request.timeout;
  const ticket = missesOf(ctx.sync).join(flightKey, (signal) => {
    // Nobody waits for it, so its own deadline (the call's timeout) is what bounds it.
    const timer = limit > 0 ? setTimeout(() => ticket.leave(), limit) : undefined;
    return fetchShared(ctx, next, signal, plan, generation, conditional, policy, entry).finally(() =>
      clearTimeout(timer),
    );
  });
  if (!ticket.leader) ticket.leave();
  ticket.promise.catch(() => {});
}

/**
 * The request of a cold or stale key, run once for every caller of it. Its answer is stored here, before
 * any caller goes on, so that a read from a `success` callback finds it.
 */
async function fetchShared(
  ctx: SyncContext,
  next: Next,
  signal: AbortSignal,
  plan: ReadPlan,
  generation: number,
  conditional: CacheEntry | undefined,
  policy: CachePolicy | undefined,
  known: CacheEntry | undefined,
): Promise<SharedResponse> {
  const fleet = plan.fleet;
  let lease: Lease | 'held' | undefined;
  if (fleet && fleet.options.lock && fleet.generation >= 0) {
    lease = await plan.state.lease(ctx, fleet.keys, fleet.options.lease);
    if (lease === 'held') {
      // Another process fetches this key: its entry, once stored, answers here too; if it dies, its lease
      // lapses and this process takes over.
      const waited = await waitForFleetEntry(ctx, plan, fleet, signal, known);
      if (waited instanceof Lease) lease = waited;
      else if (waited) return sharedOfEntry(waited, 'shared');
    }
    if (lease instanceof Lease) {
      // Taken just as another process stored and let go: look once more before fetching.
      const { entry: stored } = await plan.state.readFleet(ctx, fleet.keys, plan.base);
      if (stored && isNewer(stored, known)) {
        lease.release();
        return sharedOfEntry(stored, 'shared');
      }
    }
  }
  try {
    const validators = conditional && policy ? conditionalHeaders(policy, plan.request) : undefined;
    const started = Date.now();
    let response = await runShared(ctx, next, signal, validators);
    if (response.status === 304 && conditional && policy) {
      const revalidated = refreshEntry(ctx, plan, conditional, policy, response, generation, Date.now() - started);
      if (revalidated) return sharedOfEntry(revalidated, 'revalidated');
      // A 304 for a validator the entry does not hold: only a full answer will do.
      response = await runShared(ctx, next, signal);
    }
    const shared = sharedOf(ctx, response);
    const stored = storeAnswer(ctx, plan, response, shared.parsedAsJSON, generation, Date.now() - started);
    shared.stored = stored === undefined ? undefined : decodeEntry(stored);
    return shared;
  } finally {
    if (lease instanceof Lease) lease.release();
  }
}

/**
 * Polls (10 ms, doubling to 100 ms) for the entry another process is fetching, for `lockWait` ms at most
 * and four fifths of the time the call has left. Takes the lease when it lapses (its holder died) and
 * returns it; undefined when neither came (the caller then fetches itself: a lost or slow lock holder
 * never fails a call).
 */
async function waitForFleetEntry(
  ctx: SyncContext,
  plan: ReadPlan,
  fleet: NonNullable<ReadPlan['fleet']>,
  signal: AbortSignal,
  known: CacheEntry | undefined,
): Promise<CacheEntry | Lease | undefined> {
  const left = ctx.deadline === Infinity ? Infinity : (ctx.deadline - Date.now()) * 0.8;
  const until = Date.now() + Math.min(fleet.options.lockWait, left);
  for (let pause = 10; Date.now() + pause < until && !signal.aborted; pause = Math.min(pause * 2, 100)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    const { entry } = await plan.state.readFleet(ctx, fleet.keys, plan.base);
    if (entry && isNewer(entry, known)) return entry;
    const lease = await plan.state.lease(ctx, fleet.keys, fleet.options.lease);
    if (lease instanceof Lease) return lease;
    if (lease === undefined) return undefined;
  }
  return undefined;
}

/**
 * Whether `entry` was stored after the read that found `known` (or none): the stale entry being revalidated
 * elsewhere is not an answer, the one another process just stored is.
 */
function isNewer(entry: CacheEntry, known: CacheEntry | undefined): boolean {
  return known === undefined || entry.storedAt !== known.storedAt || entry.freshUntil > Date.now();
}

function flightKeyOf(plan: ReadPlan): string {
  const local = plan.state.generationOf(plan.base);
  return plan.fleet ? `${plan.key}\n${local}\n${plan.fleet.generation}` : `${plan.key}\n${local}`;
}

/** `If-None-Match` / `If-Modified-Since` for the stored validators, as the library derives them. */
function conditionalHeaders(policy: CachePolicy, request: PolicyRequest): Headers {
  const all = policy.revalidationHeaders(request);
  const headers: Headers = {};
  if (all['if-none-match'] !== undefined) headers['if-none-match'] = String(all['if-none-match']);
  if (all['if-modified-since'] !== undefined) headers['if-modified-since'] = String(all['if-modified-since']);
  return headers;
}

/**
 * The entry a 304 confirmed, its headers updated with the 304's (RFC 9111 section 4.3.4) and its
 * freshness starting again; stored again. Undefined when the 304 does not match the stored validator.
 */
function refreshEntry(
  ctx: SyncContext,
  plan: ReadPlan,
  entry: CacheEntry,
  policy: CachePolicy,
  notModified: SyncResponse,
  generation: number,
  delta: number,
): CacheEntry | undefined {
  const { modified } = policy.revalidatedPolicy(plan.request, { status: 304, headers: notModified.headers });
  if (modified) return undefined;
  const headers = { ...entry.headers, ...storedHeaders(notModified.headers) };
  const response: SyncResponse = { ...entryResponse(ctx, entry), headers };
  const refreshed = makePolicy(plan.request, response, plan.cacheTime, plan.shared);
  storeAnswer(ctx, plan, response, entry.encoding === 'json', generation, delta, refreshed);
  return { ...entry, headers };
}

/** Writes the answer now, when the store may keep it. */
function storeAnswer(
  ctx: SyncContext,
  plan: ReadPlan,
  response: SyncResponse,
  parsedAsJSON: boolean,
  generation: number,
  delta: number,
  policy = makePolicy(plan.request, response, plan.cacheTime, plan.shared),
): string | undefined {
  if (plan.cacheTime !== 'http' && plan.cacheTime <= 0) return undefined;
  if (!isStorable(policy, response) || !plan.state.current(plan.base, generation)) return undefined;
  const ttl = storeSeconds(policy, plan.cacheTime, plan.grace);
  if (!(ttl > 0)) return undefined;
  const fleet = plan.fleet;
  const meta = {
    storedAt: Date.now(),
    // A fleet entry is judged by its URL's generation in Redis, whichever process reads it.
    generation: fleet ? fleet.generation : generation,
    origin: fleet ? FLEET_ORIGIN : plan.state.origin,
    freshUntil: freshUntil(policy, plan, response),
    delta,
    policy: policy.toObject(),
  };
  const entry = encodeEntry(response, storedHeaders(response.headers), parsedAsJSON, meta);
  if (!fitsIn(entry, ctx.sync.cacheMaxEntryBytes)) return undefined;
  if (fleet) plan.state.writeFleet(ctx, fleet.keys, plan.base, entry, ttl, fleet.generation);
  else plan.state.write(ctx, plan.key, plan.base, entry, ttl, generation);
  return entry;
}

/**
 * Until when the entry may answer without the policy being asked: only for a response without `Vary` that
 * the policy serves fresh to the request that fetched it (so no `must-revalidate`, no `no-cache`), for
 * the freshness the policy gave it (the app's exact `cacheTime` when it is a number).
 */
function freshUntil(policy: CachePolicy, plan: ReadPlan, response: SyncResponse): number {
  if (response.headers.vary !== undefined) return 0;
  const verdict = policy.evaluateRequest(plan.request);
  if (!verdict.response || verdict.revalidation) return 0;
  const seconds = policy.maxAge() - policy.age();
  return Date.now() + 1000 * (plan.cacheTime === 'http' ? seconds : Math.min(seconds, plan.cacheTime));
}

function sharedOf(ctx: SyncContext, response: SyncResponse): SharedResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    text: response.text,
    body: response.body,
    parsedAsJSON: isJSONBody(ctx, response),
    entry: undefined,
    entryOutcome: 'shared',
    stored: undefined,
  };
}

/** Every caller answers from `entry` (each decodes its own body from it). */
function sharedOfEntry(entry: CacheEntry, entryOutcome: 'revalidated' | 'shared'): SharedResponse {
  const { status, headers, text } = entry;
  return {
    status,
    statusText: '',
    headers,
    text,
    body: undefined,
    parsedAsJSON: false,
    entry,
    entryOutcome,
    stored: undefined,
  };
}

function answer(ctx: SyncContext, plan: RecordedAs, entry: CacheEntry, outcome: CacheOutcome, shared = false): void {
  ctx.response = entryResponse(ctx, entry, shared);
  ctx.state.cache = outcome;
  recordRead(ctx, plan.key, entry, !plan.shared, plan.url);
}

/** What a read is recorded under for `sync.cache.snapshot()`. */
interface RecordedAs {
  key: string;
  url: string;
  /** False for an entry kept per user. */
  shared: boolean;
}

/** The leader's own parse made `body` for it; the headers are copied, as every caller gets its own. */
function leaderResponse(shared: SharedResponse): SyncResponse {
  const { status, statusText, text, body } = shared;
  return { status, statusText, headers: { ...shared.headers }, text, body, fromCache: false };
}

/** The entry as this call's response; `shared` when other calls answer from the same entry object. */
function entryResponse(ctx: SyncContext, entry: CacheEntry, shared = false): SyncResponse {
  const { status, text } = entry;
  const own = entry.encoding === 'json' && ctx.options.dataType !== 'text' && !shared;
  const body = own ? entry.body : decode(ctx, status, text);
  const headers = shared ? { ...entry.headers } : entry.headers;
  return { status, statusText: statusTextOf(status, undefined), headers, text, body, fromCache: true };
}

/** Each waiter gets its own copy: parsing the text again is cheaper than structuredClone (see the README). */
function followerResponse(ctx: SyncContext, shared: SharedResponse): SyncResponse {
  const { status, text } = shared;
  const body = shared.parsedAsJSON && ctx.options.dataType !== 'text' ? JSON.parse(text) : decode(ctx, status, text);
  return { status, statusText: shared.statusText, headers: { ...shared.headers }, text, body, fromCache: false };
}

/** The body as the `parse` step makes it for this call (`dataType` included). */
function decode(ctx: SyncContext, status: number, text: string): unknown {
  return decodeBody(ctx, { status, statusText: statusTextOf(status, undefined), text, headers: {} });
}

function isJSONBody(ctx: SyncContext, response: SyncResponse): boolean {
  const { status, text } = response;
  return (
    ctx.options.dataType !== 'text' && text !== '' && status !== 204 && status !== 205 && status >= 200 && status < 300
  );
}

function checkedCacheTime(value: unknown): CacheTime {
  if (value === 'http' || (typeof value === 'number' && !Number.isNaN(value))) return value;
  throw new TypeError(`cacheTime must be a number of seconds or 'http', got ${String(value)}`);
}

function checkedGrace(value: unknown): number {
  if (typeof value === 'number' && value >= 0 && value !== Infinity) return value;
  throw new TypeError(`cacheGrace must be a number of seconds >= 0, got ${String(value)}`);
}

/**
 * A successful write forgets the cached reads of the model's URL and its collection's, and of the
 * URLs its response names in Location and Content-Location (RFC 9111 section 4.4).
 */
async function writeThrough(ctx: SyncContext, next: Next): Promise<void> {
  await next();
  const response = ctx.response;
  const status = response?.status ?? 0;
  if (status < 200 || status > 299) return;
  const state = usedStateOf(ctx.sync);
  if (!state) return;
  const bases = [urlBase(wireUrl(ctx.request))];
  const collection = collectionUrl(ctx.model);
  if (collection !== undefined) bases.push(urlBase(collection));
  for (const name of ['location', 'content-location'] as const) {
    const named = response?.headers[name];
    const resolved = named === undefined ? undefined : sameOriginUrl(named, ctx.request.url);
    if (resolved !== undefined) bases.push(urlBase(resolved));
  }
  const unique = [...new Set(bases)];
  const guessed: string[] = [];
  for (const base of unique) {
    const key = plainReadKey(ctx.sync, base);
    if (key !== undefined) guessed.push(key);
  }
  // The fleet's generations move before the write settles (bounded by cacheTimeout, never failing it), so a
  // read through any process after it misses; this process's own generations move now; deleting what
  // other processes may serve need not hold up the caller.
  const bumped = state.bumpFleet(ctx.sync, ctx, unique);
  void state.forget(ctx.sync, ctx, unique, guessed, true);
  await bumped;
}

/** `location` resolved against the request URL, when it stays on the request's origin (RFC 9111 section 4.4). */
function sameOriginUrl(location: string, requestUrl: string): string | undefined {
  try {
    const base = new URL(requestUrl);
    const target = new URL(location, base);
    return target.origin === base.origin ? target.href : undefined;
  } catch {
    return undefined;
  }
}

function collectionUrl(model: SyncModel): string | undefined {
  const owner = model.collection;
  const url = owner ? owner.url : model.urlRoot;
  const value = typeof url === 'function' ? (url as () => unknown).call(owner ?? model) : url;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
