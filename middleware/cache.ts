import { copyError, SyncError } from '../lib/errors';
import { encodeEntry, fitsIn, isStorable, type CacheEntry } from '../lib/cache/entry';
import { missesOf, storeOf, usedStateOf, type SharedResponse } from '../lib/cache/instance';
import { credentialOf, plainReadKey, readKey, userSuffix } from '../lib/cache/keys';
import { stateOf, urlBase, type StoreState } from '../lib/cache/store-state';
import { statusTextOf } from '../lib/runtime';
import { runShared } from '../lib/shared-request';
import { decodeBody } from './parse';
import type { Middleware, Next, SyncContext, SyncModel, SyncResponse } from '../lib/types';

/** How the cache step answered a read, in `ctx.state.cache`. */
export type CacheOutcome = 'hit' | 'miss' | 'shared' | 'bypass';

/**
 * `cache: true` reads, from `sync.cacheClient` (or the instance's memory store). A hit answers without
 * `next()`, as the network would have; a miss is fetched once however many calls want it at the same time,
 * and stored after the caller has its answer. Reads carrying credentials bypass it unless `cacheScope`
 * says whose they are. A successful write forgets the cached reads of its model's and collection's URLs.
 * The cache never fails a call: every cache failure is a miss, reported to `onCacheError`.
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

async function cachedRead(ctx: SyncContext, next: () => Promise<void>): Promise<void> {
  const { options, sync, request } = ctx;
  const ttl = options.cacheTime ?? sync.defaultCacheTime;
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) {
    throw new TypeError(`cacheTime must be a number of seconds, got ${String(ttl)}`);
  }
  const scope = options.cacheScope;
  if (scope !== undefined && scope !== 'public' && scope !== 'user') {
    throw new TypeError(`cacheScope must be 'public' or 'user', got ${JSON.stringify(scope)}`);
  }
  const credential = scope === 'public' ? undefined : credentialOf(ctx);
  if (credential !== undefined && scope === undefined) {
    ctx.state.cache = 'bypass' satisfies CacheOutcome;
    return next();
  }
  let key = readKey(ctx);
  if (credential !== undefined) key += userSuffix(sync, credential);

  const state = stateOf(storeOf(sync), sync);
  const base = urlBase(request.url);
  const entry = await state.read(ctx, key, base);
  if (entry) {
    ctx.response = hitResponse(ctx, entry);
    ctx.state.cache = 'hit' satisfies CacheOutcome;
    return;
  }

  // A write to this URL starts a new generation: calls after it never join a fetch begun before it.
  const flightKey = `${key}\n${state.staleBefore(base)}`;
  // The fetch runs on its own signal (as dedupe's does): one caller's abort or timeout does not cut
  // the request the others wait for; it is aborted only when every caller has left.
  const ticket = missesOf(sync).join(flightKey, (signal) => fetchShared(ctx, next, signal));
  let shared: SharedResponse;
  try {
    shared = await ticket.wait(ctx);
  } catch (error) {
    // Each caller gets its own error object: one that a handler changes must not change the others'.
    throw !ticket.leader && error instanceof SyncError ? copyError(error) : error;
  }
  ctx.response = ticket.leader ? leaderResponse(shared) : followerResponse(ctx, shared);
  ctx.state.cache = (ticket.leader ? 'miss' : 'shared') satisfies CacheOutcome;
  // Whoever gets the answer first stores it, so an aborted leader does not cost the entry.
  if (!shared.claimed) {
    shared.claimed = true;
    if (ttl > 0) storeAfterAnswer(ctx, state, key, base, ttl, shared.fetchedAt, shared.parsedAsJSON);
  }
}

/** The request of a cold key, run once for every caller of it (`runShared`, dedupe's mechanism too). */
async function fetchShared(ctx: SyncContext, next: Next, signal: AbortSignal): Promise<SharedResponse> {
  const fetchedAt = Date.now();
  const response = await runShared(ctx, next, signal);
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    text: response.text,
    body: response.body,
    parsedAsJSON: isJSONBody(ctx, response),
    fetchedAt,
    claimed: false,
  };
}

/** The leader's own parse made `body` for it; the headers are copied, as every caller gets its own. */
function leaderResponse(shared: SharedResponse): SyncResponse {
  const { status, statusText, text, body } = shared;
  return { status, statusText, headers: { ...shared.headers }, text, body, fromCache: false };
}

function storeAfterAnswer(
  ctx: SyncContext,
  state: StoreState,
  key: string,
  base: string,
  ttl: number,
  fetchedAt: number,
  parsedAsJSON: boolean,
): void {
  const response = ctx.response;
  if (!response || response.fromCache || !isStorable(response)) return;
  const write = () => {
    const entry = encodeEntry(response, parsedAsJSON, Date.now());
    if (!fitsIn(entry, ctx.sync.cacheMaxEntryBytes)) return;
    state.write(ctx, key, base, entry, ttl, fetchedAt);
  };
  // After the caller's callbacks and promise: the write costs the caller nothing.
  ctx.xhr.then(write, write);
}

function hitResponse(ctx: SyncContext, entry: CacheEntry): SyncResponse {
  const { status, text } = entry;
  const body = entry.encoding === 'json' && ctx.options.dataType !== 'text' ? entry.body : decode(ctx, status, text);
  return { status, statusText: statusTextOf(status, undefined), headers: entry.headers, text, body, fromCache: true };
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

/** A successful write forgets the cached reads of the model's URL and its collection's. */
async function writeThrough(ctx: SyncContext, next: () => Promise<void>): Promise<void> {
  await next();
  const status = ctx.response?.status ?? 0;
  if (status < 200 || status > 299) return;
  const state = usedStateOf(ctx.sync);
  if (!state) return;
  const bases = [urlBase(ctx.request.url)];
  const collection = collectionUrl(ctx.model);
  if (collection !== undefined && !bases.includes(urlBase(collection))) bases.push(urlBase(collection));
  const guessed: string[] = [];
  for (const base of bases) {
    const key = plainReadKey(ctx.sync, base, ctx.request.headers);
    if (key !== undefined) guessed.push(key);
  }
  // The write time is recorded now; deleting what other processes may serve need not hold up the caller.
  void state.forget(ctx.sync, ctx, bases, guessed);
}

function collectionUrl(model: SyncModel): string | undefined {
  const owner = model.collection;
  const url = owner ? owner.url : model.urlRoot;
  const value = typeof url === 'function' ? (url as () => unknown).call(owner ?? model) : url;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
