import { describe, expect, it } from 'vitest';
import { csrfHeader, isUnsafeMethod, readCookie } from '../../src/http/csrf.js';

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
    expect(csrfHeader({ cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' })).toEqual({});
    expect(csrfHeader(false)).toEqual({});
  });
});
