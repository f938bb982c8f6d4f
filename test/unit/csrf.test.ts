import { describe, expect, it } from 'vitest';
import { csrfSource, isUnsafeMethod, readCookie } from '../../src/http/csrf.js';

const API = 'https://api.example.com/';

describe('isUnsafeMethod', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'head', 'Options'])('treats %s as safe: no CSRF header', (method) => {
    expect(isUnsafeMethod(method)).toBe(false);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'post', 'Delete', 'PROPFIND'])('treats %s as unsafe: CSRF header sent', (method) => {
    expect(isUnsafeMethod(method)).toBe(true);
  });
});

describe('outside a browser', () => {
  it('reads no cookie and sends no CSRF header', () => {
    expect(readCookie('XSRF-TOKEN')).toBeNull();
    expect(csrfSource({ cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' }).header(API)).toEqual([]);
    expect(csrfSource(false).header(API)).toEqual([]);
  });
});

describe('a CSRF token from a response header (a page that cannot read the API cookie)', () => {
  const options = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };
  /** An answer as fetch gives it: from `url` (a constructed Response has none). */
  const response = (headers: Record<string, string> = {}, url = `${API}auth/login`) =>
    Object.defineProperty(new Response(null, { status: 204, headers }), 'url', { value: url });

  it('is kept from the response that carried it and sent in the same header', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'x-xsrf-token': 'from-login' }));
    expect(csrf.header(API)).toEqual([['X-XSRF-TOKEN', 'from-login']]);
  });

  it('keeps the latest one: a later response replaces it, one without the header does not drop it', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'X-XSRF-TOKEN': 'first' }));
    csrf.remember(response({ 'X-XSRF-TOKEN': 'second' }));
    csrf.remember(response());
    expect(csrf.header(API)).toEqual([['X-XSRF-TOKEN', 'second']]);
  });

  it('is dropped when the session ends', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'X-XSRF-TOKEN': 'ended' }));
    csrf.forget();
    expect(csrf.header(API)).toEqual([]);
  });

  it('is its own per session, and ignored with csrf: false', () => {
    const a = csrfSource(options);
    a.remember(response({ 'X-XSRF-TOKEN': 'a' }));
    expect(csrfSource(options).header(API)).toEqual([]);
    const off = csrfSource(false);
    off.remember(response({ 'X-XSRF-TOKEN': 'x' }));
    expect(off.header(API)).toEqual([]);
  });
});

describe('issue 23, finding 8: the CSRF token from a response header is kept per origin', () => {
  const options = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };
  const from = (url: string, token: string) => Object.defineProperty(new Response(null, { headers: { 'X-XSRF-TOKEN': token } }), 'url', { value: url });

  it("sends each trusted origin its own token: another origin's answer never replaces it", () => {
    const csrf = csrfSource(options);
    csrf.remember(from('https://api.example.com/auth/login', 'api-token'));
    csrf.remember(from('https://files.example.net/upload', 'files-token'));
    expect(csrf.header('https://api.example.com/api/items')).toEqual([['X-XSRF-TOKEN', 'api-token']]);
    expect(csrf.header('https://files.example.net/other')).toEqual([['X-XSRF-TOKEN', 'files-token']]);
    // An origin that sent none gets none of the others' (outside a browser, no cookie either).
    expect(csrf.header('https://third.example.org/x')).toEqual([]);
    csrf.forget();
    expect(csrf.header('https://api.example.com/api/items')).toEqual([]);
  });
});
