import {
  isStorable,
  makePolicy,
  policyRequest,
  requestForbidsStoring,
  storeSeconds,
  usableWhenStale,
} from '../../../lib/cache/policy';
import type { SyncResponse } from '../../../lib/types';

const response = (over: Partial<SyncResponse> = {}): SyncResponse => ({
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json' },
  text: '{}',
  body: {},
  fromCache: false,
  ...over,
});

function policyFor(headers: Record<string, string>, cacheTime: number | 'http' = 60, status = 200) {
  const res = response({ status, headers: { 'content-type': 'application/json', ...headers } });
  return { policy: makePolicy(policyRequest('GET', {}), res, cacheTime, true), res };
}

describe('cache policy (http-cache-semantics)', () => {
  test.each([
    [{ status: 404 }, false],
    [{ status: 301 }, false],
    [{ status: 206 }, false],
    [{ headers: { 'set-cookie': 'sid=1' } }, false],
    [{ headers: { 'cache-control': 'max-age=60, private' } }, false],
    [{ headers: { 'cache-control': 'no-store' } }, false],
    [{ headers: { 'cache-control': 'No-Store' } }, false],
    [{ headers: { vary: 'accept, *' } }, false],
    [{ headers: { 'cache-control': 'public, max-age=60', vary: 'accept' } }, true],
    [{ status: 204, text: '' }, true],
  ])('storable as a shared cache: %j -> %s', (over, expected) => {
    const res = response(over as Partial<SyncResponse>);
    const policy = makePolicy(policyRequest('GET', {}), res, 60, true);
    expect(isStorable(policy, res)).toBe(expected);
  });

  test('a private response is storable per user (a private cache), never shared', () => {
    const res = response({ headers: { 'cache-control': 'private' } });
    expect(isStorable(makePolicy(policyRequest('GET', {}), res, 60, false), res)).toBe(true);
    expect(isStorable(makePolicy(policyRequest('GET', {}), res, 60, true), res)).toBe(false);
  });

  test("a number of seconds is the app's freshness, whatever max-age says; fractions are kept for the store", () => {
    const { policy } = policyFor({ 'cache-control': 'max-age=5', age: '100' }, 120);
    expect(policy.stale()).toBe(false);
    expect(storeSeconds(policy, 120, 0)).toBe(120);
    expect(storeSeconds(policyFor({}, 0.2).policy, 0.2, 0)).toBe(0.2);
    expect(storeSeconds(policyFor({}, 60).policy, 60, 30)).toBe(90);
  });

  test("'http' takes freshness from s-maxage, else max-age, else Expires", () => {
    const expires = new Date(Date.now() + 50_000).toUTCString();
    const date = new Date().toUTCString();
    expect(
      Math.round(storeSeconds(policyFor({ 'cache-control': 'max-age=30, s-maxage=90' }, 'http').policy, 'http', 0)),
    ).toBe(90);
    expect(Math.round(storeSeconds(policyFor({ 'cache-control': 'max-age=30' }, 'http').policy, 'http', 0))).toBe(30);
    expect(Math.round(storeSeconds(policyFor({ expires, date }, 'http').policy, 'http', 0))).toBe(50);
    expect(storeSeconds(policyFor({}, 'http').policy, 'http', 0)).toBe(0);
  });

  test('no-cache responses are kept only to revalidate: fresh for no time, kept for the grace', () => {
    const { policy } = policyFor({ 'cache-control': 'no-cache', etag: '"a"' }, 60);
    expect(policy.stale()).toBe(true);
    expect(storeSeconds(policy, 60, 0)).toBe(0);
    expect(storeSeconds(policy, 60, 100)).toBe(100);
  });

  test('stale-while-revalidate and stale-if-error windows extend how long the store keeps an entry', () => {
    const { policy } = policyFor(
      { 'cache-control': 'max-age=10, stale-while-revalidate=50, stale-if-error=200' },
      'http',
    );
    expect(Math.round(storeSeconds(policy, 'http', 0))).toBe(210);
  });

  test('Vary: a stale entry stands in only for its own variant, names and values normalised', () => {
    const res = response({ headers: { vary: 'X-Tenant,  Accept-Language' } });
    const policy = makePolicy(policyRequest('GET', { 'X-Tenant': 'a', 'accept-language': 'en, fr' }), res, 60, true);
    expect(usableWhenStale(policy, policyRequest('GET', { 'x-tenant': 'a', 'Accept-Language': 'en,fr' }))).toBe(true);
    expect(usableWhenStale(policy, policyRequest('GET', { 'x-tenant': 'b', 'accept-language': 'en, fr' }))).toBe(false);
    expect(usableWhenStale(policy, policyRequest('GET', { 'accept-language': 'en, fr' }))).toBe(false);
  });

  test('must-revalidate forbids standing in once stale', () => {
    const { policy } = policyFor({ 'cache-control': 'must-revalidate' }, 60);
    expect(usableWhenStale(policy, policyRequest('GET', {}))).toBe(false);
  });

  test("the request's own no-store is found by the library, in any case", () => {
    expect(requestForbidsStoring(policyRequest('GET', { 'cache-control': 'No-Store' }))).toBe(true);
    expect(requestForbidsStoring(policyRequest('GET', { 'cache-control': 'no-cache' }))).toBe(false);
    expect(requestForbidsStoring(policyRequest('GET', {}))).toBe(false);
  });
});
