// Already lower-case up to the end of the host: the common case, answered without allocating.
const NORMALIZED = /^[a-z][a-z0-9+.-]*:\/\/[^/?#A-Z]*(?:[/?#]|$)/;
// scheme "://" authority, the rest untouched (RFC 3986 section 3).
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;

/**
 * The URL with its scheme and host in lower case, everything else exactly as given. superagent
 * recognises a scheme with a case-sensitive `indexOf('http') === 0` and prefixes anything else with
 * `http://`: `HTTPS://api/me` would dial a host named `https` in clear text. A relative URL is returned as it is.
 */
export function normalizeUrlScheme(url: string): string {
  if (NORMALIZED.test(url)) return url;
  const match = ABSOLUTE.exec(url);
  if (match === null) return url;
  const [whole, scheme, authority] = match;
  const at = authority.lastIndexOf('@');
  // Userinfo keeps its case (it is a credential); the host is case-insensitive (RFC 3986 section 3.2.2).
  const host = authority.slice(at + 1).toLowerCase();
  const normalized = `${scheme.toLowerCase()}://${authority.slice(0, at + 1)}${host}`;
  return normalized === whole ? url : normalized + url.slice(whole.length);
}

/** Why an absolute URL with a scheme other than http or https cannot be sent, or undefined. */
export function unsupportedSchemeReason(url: string): string | undefined {
  const match = ABSOLUTE.exec(url);
  if (match === null) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'http' || scheme === 'https') return undefined;
  return `Only http: and https: URLs can be sent, got a "${scheme}:" URL`;
}
