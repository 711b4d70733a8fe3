/** What a masked value is replaced with, in logs and in errors. */
export const REDACTED = '[redacted]';

/**
 * Query parameters whose values are secrets (OAuth codes and tokens, API keys, signatures, passwords):
 * masked by `logger()` and in every `SyncError`.
 */
export const DEFAULT_SENSITIVE_PARAMS: readonly string[] = [
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'code',
  'signature',
  'sig',
  'password',
  'passwd',
  'secret',
  'client_secret',
];

const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*@)/;

/**
 * The URL safe to print: the password of its userinfo and the values of `sensitiveParams` in its query
 * (names matched case-insensitively, `token[]` and `token[x]` too) replaced by `[redacted]`. Works on the
 * string as written: nothing else is re-encoded or normalised.
 */
export function maskUrl(url: string, sensitiveParams: readonly string[] = DEFAULT_SENSITIVE_PARAMS): string {
  let masked = url.replace(USERINFO, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? scheme + userinfo : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
  const queryStart = masked.indexOf('?');
  if (queryStart === -1) return masked;
  const hashAt = masked.indexOf('#', queryStart);
  const queryEnd = hashAt === -1 ? masked.length : hashAt;
  const pairs = masked.slice(queryStart + 1, queryEnd).split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const equals = pairs[i].indexOf('=');
    if (equals === -1) continue;
    if (sensitiveParams.includes(paramName(pairs[i].slice(0, equals)))) {
      pairs[i] = pairs[i].slice(0, equals + 1) + REDACTED;
      changed = true;
    }
  }
  if (changed) masked = masked.slice(0, queryStart + 1) + pairs.join('&') + masked.slice(queryEnd);
  return masked;
}

function paramName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    name = raw;
  }
  const bracket = name.indexOf('[');
  return (bracket === -1 ? name : name.slice(0, bracket)).trim().toLowerCase();
}
