import { maskUrl } from '../../lib/redact';

describe('maskUrl', () => {
  test.each([
    ['http://alice:hunter2@h/p', 'http://alice:[redacted]@h/p'],
    ['http://alice@h/p', 'http://alice@h/p'],
    ['http://h/p?access_token=abc&page=2', 'http://h/p?access_token=[redacted]&page=2'],
    ['http://h/p?ACCESS_TOKEN=abc', 'http://h/p?ACCESS_TOKEN=[redacted]'],
    ['http://h/p?token%5B%5D=a&token[]=b', 'http://h/p?token%5B%5D=[redacted]&token[]=[redacted]'],
    [
      'http://h/p?client_secret=s&code=c#frag?token=x',
      'http://h/p?client_secret=[redacted]&code=[redacted]#frag?token=x',
    ],
    ['http://h/p?keyboard=1&monkey=2', 'http://h/p?keyboard=1&monkey=2'],
    ['/relative?password=x', '/relative?password=[redacted]'],
    ['http://h/p?%E0%A4%A=1&token=t', 'http://h/p?%E0%A4%A=1&token=[redacted]'],
  ])('%s -> %s', (url, expected) => {
    expect(maskUrl(url)).toBe(expected);
  });

  test('a custom list replaces the default one', () => {
    expect(maskUrl('http://h/?session=1&token=2', ['session'])).toBe('http://h/?session=[redacted]&token=2');
  });
});
