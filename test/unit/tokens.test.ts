import { describe, expect, it } from 'vitest';
import { TokenwardError } from '../../src/errors.js';
import { decodeJwtClaims, parseHttpDate, parseTokenResponse } from '../../src/tokens.js';

const HOUR = 3_600_000;
/** Our clock when the response arrived; the server's clock is independent of it. */
const RECEIVED_AT = Date.UTC(2030, 0, 1, 12, 0, 0);

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** An unsigned JWT: decodeJwtClaims never verifies, the server does. */
function jwt(payload: object): string {
  return `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
}

function rejection(run: () => unknown): TokenwardError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenwardError);
    return error as TokenwardError;
  }
  throw new Error('expected a TokenwardError, nothing was thrown');
}

describe('parseTokenResponse: shape validation', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'access-token'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [{ access_token: 'a', expires_in: 60 }]],
  ])('rejects %s as invalid_response', (_name, body) => {
    expect(rejection(() => parseTokenResponse(body, 'bearer', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
    expect(rejection(() => parseTokenResponse(body, 'cookie', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
  });

  it.each([
    ['missing', {}],
    ['empty', { access_token: '' }],
    ['null', { access_token: null }],
    ['a number', { access_token: 12345 }],
    ['an object', { access_token: { value: 'a' } }],
  ])('rejects a bearer response whose access_token is %s', (_name, fields) => {
    const error = rejection(() => parseTokenResponse({ ...fields, expires_in: 60 }, 'bearer', { receivedAt: RECEIVED_AT }));
    expect(error.code).toBe('invalid_response');
  });

  it('accepts a cookie-mode response that carries only expires_in', () => {
    const tokens = parseTokenResponse({ expires_in: 900 }, 'cookie', { receivedAt: RECEIVED_AT });
    expect(tokens).toEqual({
      accessToken: null,
      refreshToken: null,
      expiresAt: RECEIVED_AT + 900_000,
      issuedAt: RECEIVED_AT,
      claims: null,
    });
  });

  it('ignores an access_token in cookie mode: the server cookie is the credential', () => {
    const tokens = parseTokenResponse({ access_token: jwt({ sub: 'u1' }), expires_in: 60 }, 'cookie', { receivedAt: RECEIVED_AT });
    expect(tokens.accessToken).toBeNull();
    expect(tokens.claims).toBeNull();
  });

  it('rejects a cookie-mode response without expires_in', () => {
    expect(rejection(() => parseTokenResponse({}, 'cookie', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
  });

  it.each([
    ['0', 0],
    ['-1', -1],
    ['NaN', Number.NaN],
    ["'60' (a string)", '60'],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['null', null],
    ['an object', { seconds: 60 }],
  ])('rejects expires_in of %s', (_name, expiresIn) => {
    // A valid JWT exp must not rescue a malformed expires_in: the server said something, and it is wrong.
    const body = { access_token: jwt({ exp: RECEIVED_AT / 1000 + 600 }), expires_in: expiresIn };
    expect(rejection(() => parseTokenResponse(body, 'bearer', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
    expect(rejection(() => parseTokenResponse({ expires_in: expiresIn }, 'cookie', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
  });

  it('accepts a fractional expires_in', () => {
    expect(parseTokenResponse({ expires_in: 0.5 }, 'cookie', { receivedAt: RECEIVED_AT }).expiresAt).toBe(RECEIVED_AT + 500);
  });

  it('keeps a refresh_token the server put in the body', () => {
    const tokens = parseTokenResponse({ access_token: 'opaque', expires_in: 60, refresh_token: 'r-1' }, 'bearer', {
      receivedAt: RECEIVED_AT,
    });
    expect(tokens.refreshToken).toBe('r-1');
  });

  it.each([
    ['absent', {}],
    ['null', { refresh_token: null }],
  ])('reads a refresh_token that is %s as null (it lives in an HttpOnly cookie)', (_name, fields) => {
    const tokens = parseTokenResponse({ access_token: 'opaque', expires_in: 60, ...fields }, 'bearer', { receivedAt: RECEIVED_AT });
    expect(tokens.refreshToken).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['a number', 7],
    ['a boolean', false],
    ['an object', { token: 'r' }],
  ])('rejects a refresh_token that is %s', (_name, refreshToken) => {
    const body = { access_token: 'opaque', expires_in: 60, refresh_token: refreshToken };
    expect(rejection(() => parseTokenResponse(body, 'bearer', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
  });
});

describe('parseTokenResponse: expiry', () => {
  it('counts expires_in from receivedAt, whatever the server clock and the JWT say', () => {
    // Our clock is 5 hours ahead of the server, and the JWT's exp disagrees with expires_in: neither matters.
    const serverDate = RECEIVED_AT - 5 * HOUR;
    const body = { access_token: jwt({ sub: 'u1', exp: serverDate / 1000 + 3600 }), token_type: 'Bearer', expires_in: 300 };
    const tokens = parseTokenResponse(body, 'bearer', { receivedAt: RECEIVED_AT, serverDate });
    expect(tokens.expiresAt).toBe(RECEIVED_AT + 300_000);
    expect(tokens.issuedAt).toBe(RECEIVED_AT);
    expect(tokens.accessToken).toBe(body.access_token);
    expect(tokens.claims).toMatchObject({ sub: 'u1' });
  });

  it.each([
    ['hours behind the server', -3 * HOUR],
    ['hours ahead of the server', 3 * HOUR],
    ['in step with the server', 0],
  ])('without expires_in, shifts the JWT exp onto our clock when it is %s', (_name, clientOffset) => {
    const serverNow = Date.UTC(2030, 5, 1, 8, 0, 0);
    const receivedAt = serverNow + clientOffset;
    const body = { access_token: jwt({ exp: serverNow / 1000 + 600 }) };
    const tokens = parseTokenResponse(body, 'bearer', { receivedAt, serverDate: serverNow });
    // Ten minutes of life, on our clock.
    expect(tokens.expiresAt).toBe(receivedAt + 600_000);
  });

  it('takes the JWT exp as is when the server sent no Date header', () => {
    const exp = RECEIVED_AT / 1000 + 120;
    for (const serverDate of [undefined, null]) {
      const tokens = parseTokenResponse({ access_token: jwt({ exp }) }, 'bearer', { receivedAt: RECEIVED_AT, serverDate });
      expect(tokens.expiresAt).toBe(exp * 1000);
    }
  });

  it('rejects a JWT that had already expired when it arrived', () => {
    const serverNow = RECEIVED_AT;
    const body = { access_token: jwt({ exp: serverNow / 1000 - 1 }) };
    expect(rejection(() => parseTokenResponse(body, 'bearer', { receivedAt: RECEIVED_AT, serverDate: serverNow })).code).toBe('invalid_response');
  });

  it('rejects a JWT that looks valid on a slow client clock but had expired by the server clock', () => {
    // The server says it is 12:00 and the token died at 11:59; our clock says 10:00.
    const serverNow = RECEIVED_AT;
    const body = { access_token: jwt({ exp: serverNow / 1000 - 60 }) };
    const call = () => parseTokenResponse(body, 'bearer', { receivedAt: serverNow - 2 * HOUR, serverDate: serverNow });
    expect(rejection(call).code).toBe('invalid_response');
  });

  it.each([
    ['an opaque token', 'opaque-token-value'],
    ['a JWT without exp', jwt({ sub: 'u1' })],
    ['a JWT whose exp is a string', jwt({ exp: '1900000000' })],
  ])('rejects %s without expires_in: nothing says when it ends', (_name, accessToken) => {
    expect(rejection(() => parseTokenResponse({ access_token: accessToken }, 'bearer', { receivedAt: RECEIVED_AT })).code).toBe('invalid_response');
  });
});

describe('decodeJwtClaims', () => {
  it('decodes base64url payloads that use - and _ and drop their padding', () => {
    // "?>" bytes encode to "/" and "+" in base64, which base64url writes as "_" and "-".
    const claims = { sub: 'user-1', exp: 1_900_000_000, iat: 1_899_999_000, note: '??>>~~?>?' };
    const payload = base64url(JSON.stringify(claims));
    expect(payload).toMatch(/-/);
    expect(payload).toMatch(/_/);
    expect(payload).not.toMatch(/=/);
    expect(decodeJwtClaims(jwt(claims))).toEqual(claims);
  });

  it('decodes payloads of every padding length', () => {
    const remainders = new Set<number>();
    for (const sub of ['a', 'ab', 'abc', 'abcd']) {
      const claims = { sub };
      remainders.add(base64url(JSON.stringify(claims)).length % 4);
      expect(decodeJwtClaims(jwt(claims))).toEqual(claims);
    }
    // 0, 2 and 3 are the only lengths base64 without padding can have.
    expect([...remainders].sort()).toEqual([0, 2, 3]);
  });

  it('decodes UTF-8 claims', () => {
    const claims = { name: 'Zoë Ångström', city: '東京', mood: '🎉' };
    expect(decodeJwtClaims(jwt(claims))).toEqual(claims);
  });

  it('decodes a real HS256 JWT', () => {
    // The jwt.io example token.
    const token =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(decodeJwtClaims(token)).toEqual({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
  });

  it.each([
    ['an opaque token', 'a3f1c9e0b2d84e67'],
    ['an empty string', ''],
    ['two parts', `${base64url('{}')}.${base64url('{"sub":"a"}')}`],
    ['four parts', `a.${base64url('{"sub":"a"}')}.c.d`],
    ['an empty payload', 'header..signature'],
    ['a payload that is not base64', 'header.!!!$$$.signature'],
    ['a payload of impossible length', 'header.abcde.signature'],
    ['a payload that is not JSON', `header.${base64url('not json')}.signature`],
    ['a JSON null payload', `header.${base64url('null')}.signature`],
    ['a JSON number payload', `header.${base64url('42')}.signature`],
    ['a JSON string payload', `header.${base64url('"sub"')}.signature`],
    ['a JSON array payload', `header.${base64url('[1,2]')}.signature`],
  ])('returns null for %s, never throwing', (_name, token) => {
    expect(decodeJwtClaims(token)).toBeNull();
  });

  it('returns null for a payload that is not valid UTF-8 JSON', () => {
    const payload = Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url');
    expect(decodeJwtClaims(`header.${payload}.signature`)).toBeNull();
  });
});

describe('parseHttpDate', () => {
  it('reads an IMF-fixdate', () => {
    expect(parseHttpDate('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(Date.UTC(2015, 9, 21, 7, 28, 0));
  });

  it('reads the obsolete RFC 850 form', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['garbage', 'yesterday-ish'],
    ['a half date', 'Wed, 32 Foo'],
  ])('returns null when the header is %s', (_name, header) => {
    expect(parseHttpDate(header)).toBeNull();
  });
});
