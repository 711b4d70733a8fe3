import { withQuery } from './query';
import { normalizeUrlScheme } from './url-scheme';
import type { SyncRequest } from './types';

/**
 * The URL exactly as the transport sends it: the fragment dropped (as jQuery does before it appends
 * `data`, and as no HTTP request carries one), `query` appended to the URL's own query, the scheme and
 * host in lower case. The cache and `dedupe()` key by this same string, so a key cannot name one request
 * while the wire carries another: two reads share an entry only when they send the same bytes.
 */
export function wireUrl(request: Pick<SyncRequest, 'url' | 'query'>): string {
  const url = request.url;
  const hash = url.indexOf('#');
  return normalizeUrlScheme(withQuery(hash === -1 ? url : url.slice(0, hash), request.query));
}
