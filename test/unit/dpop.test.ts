// The SDK's DPoP signer and challenge reading, in Node's WebCrypto: what goes into a proof, and
// that the per-request cost is the signature alone.
import { decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateDpopKey, isDpopKey } from '../../src/dpop/key.ts';
import { createProver, type Prover } from '../../src/dpop/proof.ts';
import { dpopErrorOf } from '../../src/dpop/sender.ts';

const URL_ = 'https://api.example.com:8443/v1/items';
let prover: Prover;

beforeAll(async () => {
  prover = await createProver(await generateDpopKey());
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the key pair', () => {
  it('is P-256, the private half not extractable; a key of another curve or an extractable one is refused', async () => {
    const key = await generateDpopKey();
    expect(isDpopKey(key)).toBe(true);
    expect(key.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', key.privateKey)).rejects.toThrow();
    const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
    for (const other of [extractable, p384, { privateKey: key.privateKey }, null, 'key']) expect(isDpopKey(other)).toBe(false);
  });
});

describe('a proof', () => {
  it('is an ES256 JWS over its own public JWK, with htu cut to scheme, host, port and path', async () => {
    const proof = await prover.sign({ method: 'PATCH', url: `${URL_}?q=1#frag`, nonce: 'n-1' });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    expect(protectedHeader.jwk).not.toHaveProperty('d');
    expect(payload).toEqual({ jti: expect.any(String), htm: 'PATCH', htu: URL_, iat: expect.any(Number), nonce: 'n-1' });
  });

  it('has a fresh jti every time, and iat on the server clock given by the offset', async () => {
    const now = Math.floor(Date.now() / 1000);
    const [a, b] = await Promise.all([prover.sign({ method: 'GET', url: URL_ }), prover.sign({ method: 'GET', url: URL_, clockOffset: -600_000 })]);
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
    expect(decodeJwt(a).iat).toBeGreaterThanOrEqual(now);
    expect(decodeJwt(b).iat! - decodeJwt(a).iat!).toBeGreaterThanOrEqual(-601);
    expect(decodeJwt(b).iat! - decodeJwt(a).iat!).toBeLessThanOrEqual(-599);
  });

  it('hashes each access token once for ath: after that, a proof costs one signature', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const sign = vi.spyOn(crypto.subtle, 'sign');
    const first = await prover.sign({ method: 'GET', url: URL_, accessToken: 'token-1' });
    await prover.sign({ method: 'GET', url: URL_, accessToken: 'token-1' });
    await prover.sign({ method: 'GET', url: URL_, accessToken: 'token-1' });
    expect(digest).toHaveBeenCalledTimes(1);
    const next = await prover.sign({ method: 'GET', url: URL_, accessToken: 'token-2' });
    expect(digest).toHaveBeenCalledTimes(2);
    expect(sign).toHaveBeenCalledTimes(4);
    expect(decodeJwt(first).ath).toBe(Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('token-1'))).toString('base64url'));
    expect(decodeJwt(next).ath).not.toBe(decodeJwt(first).ath);
    expect(decodeProtectedHeader(next)).toEqual(decodeProtectedHeader(first));
  });
});

describe('reading a refusal', () => {
  const unauthorized = (challenge: string) => new Response(null, { status: 401, headers: { 'WWW-Authenticate': challenge } });
  const badRequest = (body: string) => new Response(body, { status: 400, headers: { 'Content-Type': 'application/json' } });

  it.each([
    ['DPoP error="use_dpop_nonce"', 'use_dpop_nonce'],
    ['DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'use_dpop_nonce'],
    ['Bearer realm="api", DPoP error=invalid_dpop_proof', 'invalid_dpop_proof'],
    ['dpop error="use_dpop_nonce"', 'use_dpop_nonce'],
    // Another scheme's error is not the DPoP challenge's.
    ['DPoP realm="api", Bearer error="use_dpop_nonce"', null],
    ['Bearer error="use_dpop_nonce"', null],
    ['DPoP error_description="error=use_dpop_nonce"', null],
    ['', null],
  ])('401 WWW-Authenticate: %s', async (challenge, code) => {
    expect(await dpopErrorOf(unauthorized(challenge))).toBe(code);
  });

  it('400 with a JSON error, leaving the body readable for the caller', async () => {
    const response = badRequest('{"error":"use_dpop_nonce","error_description":"nonce required"}');
    expect(await dpopErrorOf(response)).toBe('use_dpop_nonce');
    expect(await response.json()).toEqual({ error: 'use_dpop_nonce', error_description: 'nonce required' });
    expect(await dpopErrorOf(badRequest('not json'))).toBeNull();
    expect(await dpopErrorOf(badRequest('{"error":42}'))).toBeNull();
    expect(await dpopErrorOf(new Response('{"error":"use_dpop_nonce"}', { status: 200 }))).toBeNull();
  });
});
