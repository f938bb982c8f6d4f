import { describe, expect, it } from 'vitest';
import { csrfSource, isUnsafeMethod, readCookie } from '../../src/http/csrf.js';

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
    expect(csrfSource({ cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' }).header()).toEqual([]);
    expect(csrfSource(false).header()).toEqual([]);
  });
});

describe('a CSRF token from a response header (a page that cannot read the API cookie)', () => {
  const options = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };
  const response = (headers: Record<string, string> = {}) => new Response(null, { status: 204, headers });

  it('is kept from the response that carried it and sent in the same header', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'x-xsrf-token': 'from-login' }));
    expect(csrf.header()).toEqual([['X-XSRF-TOKEN', 'from-login']]);
  });

  it('keeps the latest one: a later response replaces it, one without the header does not drop it', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'X-XSRF-TOKEN': 'first' }));
    csrf.remember(response({ 'X-XSRF-TOKEN': 'second' }));
    csrf.remember(response());
    expect(csrf.header()).toEqual([['X-XSRF-TOKEN', 'second']]);
  });

  it('is dropped when the session ends', () => {
    const csrf = csrfSource(options);
    csrf.remember(response({ 'X-XSRF-TOKEN': 'ended' }));
    csrf.forget();
    expect(csrf.header()).toEqual([]);
  });

  it('is its own per session, and ignored with csrf: false', () => {
    const a = csrfSource(options);
    a.remember(response({ 'X-XSRF-TOKEN': 'a' }));
    expect(csrfSource(options).header()).toEqual([]);
    const off = csrfSource(false);
    off.remember(response({ 'X-XSRF-TOKEN': 'x' }));
    expect(off.header()).toEqual([]);
  });
});
