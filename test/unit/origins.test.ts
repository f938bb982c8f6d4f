import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../src/http/origins.js';

describe('createOriginPolicy', () => {
  const isTrusted = createOriginPolicy({ baseUrl: 'https://app.example.com/base/', trustedOrigins: ['https://api.example.com', 'http://127.0.0.1:8080/v1/'] });

  it.each([
    'https://app.example.com',
    'https://app.example.com/',
    'https://app.example.com/api/me?x=1#frag',
    'https://app.example.com:443/api',
    'HTTPS://APP.EXAMPLE.COM/api',
  ])("trusts the baseUrl's origin: %s", (url) => {
    expect(isTrusted(url)).toBe(true);
  });

  it.each(['https://api.example.com/orders', 'http://127.0.0.1:8080/anything', 'http://127.0.0.1:8080'])(
    'trusts the configured trusted origins, whatever their path: %s',
    (url) => {
      expect(isTrusted(url)).toBe(true);
    },
  );

  it.each([
    ['another port', 'https://app.example.com:8443/api'],
    ['another scheme', 'http://app.example.com/api'],
    ['a subdomain', 'https://evil.app.example.com/api'],
    ['a parent domain', 'https://example.com/api'],
    ['a look-alike suffix', 'https://app.example.com.evil.test/api'],
    ['userinfo that looks like the host', 'https://app.example.com@evil.test/api'],
    ['another host entirely', 'https://evil.test/'],
    ['a trusted host on its default port instead of 8080', 'http://127.0.0.1/'],
    ['a websocket to the same host', 'wss://app.example.com/socket'],
  ])('does not trust %s', (_name, url) => {
    expect(isTrusted(url)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a url'],
    ['a relative path', '/api/me'],
    ['a scheme-relative URL', '//app.example.com/api'],
    ['a host without a scheme', 'app.example.com/api'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/plain,hello'],
    ['a blob: URL of another origin', 'blob:https://evil.test/0f1e'],
  ])('answers false, without throwing, for %s', (_name, url) => {
    expect(isTrusted(url)).toBe(false);
  });

  it('trusts nothing without a baseUrl or trusted origins (SSR, Node)', () => {
    const none = createOriginPolicy({ baseUrl: undefined, trustedOrigins: [] });
    expect(none('https://app.example.com/')).toBe(false);
    expect(none('http://127.0.0.1/')).toBe(false);
  });

  it('trusts only the listed origins when there is no baseUrl', () => {
    const onlyApi = createOriginPolicy({ baseUrl: undefined, trustedOrigins: ['https://api.example.com'] });
    expect(onlyApi('https://api.example.com/x')).toBe(true);
    expect(onlyApi('https://app.example.com/x')).toBe(false);
  });
});
