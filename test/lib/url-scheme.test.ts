import { normalizeUrlScheme, unsupportedSchemeReason } from '../../lib/url-scheme';

describe('normalizeUrlScheme', () => {
  test.each([
    ['HTTPS://API.Example.TEST/Users/ABC?Q=Upper#Frag', 'https://api.example.test/Users/ABC?Q=Upper#Frag'],
    ['HTTP://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
    ['hTtP://Alice:PassWord@HOST:1/p', 'http://Alice:PassWord@host:1/p'],
    ['http://a@b@HOST/p', 'http://a@b@host/p'],
    ['https://already.lower/x', 'https://already.lower/x'],
    ['/relative/PATH', '/relative/PATH'],
    ['//PROTOCOL-relative/x', '//PROTOCOL-relative/x'],
    ['HTTP://[::1]:80/x', 'http://[::1]:80/x'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeUrlScheme(input)).toBe(expected);
  });

  test('a URL already normalised is returned as the same string', () => {
    const url = 'http://127.0.0.1/a/../b/%2e%2e/c';
    expect(normalizeUrlScheme(url)).toBe(url);
  });
});

describe('unsupportedSchemeReason', () => {
  test.each(['http://x/', 'HTTPS://x/', '/relative', 'x/y'])('%s is sendable', (url) => {
    expect(unsupportedSchemeReason(url)).toBeUndefined();
  });
  test.each(['ftp://x/', 'FILE:///etc/passwd', 'http+unix://%2Fs/x', 'ws://x/'])('%s is refused', (url) => {
    expect(unsupportedSchemeReason(url)).toMatch(/Only http: and https:/);
  });
});
