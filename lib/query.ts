import { stringify } from 'qs';

// jQuery.param's format, which is what a Backbone server already parses: `a[]=1&a[]=2`, `o[k]=v`,
// spaces as '+'.
const JQUERY_PARAM = { arrayFormat: 'brackets', format: 'RFC1738' } as const;

/** Form-encodes an object as jQuery.param does. */
export function formEncode(data: Record<string, unknown>): string {
  return stringify(data, JQUERY_PARAM);
}

/** The URL with `query` (an object, or a string taken as it is) appended. */
export function withQuery(url: string, query: Record<string, unknown> | string | undefined): string {
  if (query === undefined) return url;
  const encoded = typeof query === 'string' ? query : formEncode(query);
  if (encoded === '') return url;
  return url + (url.includes('?') ? '&' : '?') + encoded;
}
