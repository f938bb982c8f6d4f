// The reference server's DPoP proof verifier (demo/server/dpop.ts), on its own: a proof made by
// the SDK's own signer passes, and every way a proof can be wrong is refused with the right code.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  accessTokenHash,
  createDpopVerifier,
  createNonces,
  DpopError,
  dpopRefusal,
  type DpopVerifier,
  type ProofCheck,
  type Quota,
} from '../../demo/server/dpop.ts';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver, type Prover } from '../../src/dpop/proof.ts';

const URL_ = 'https://api.example.com/api/items';
const TOKEN = 'header.payload.signature';

interface Signer {
  readonly privateKey: JoseKey;
  readonly jwk: JWK;
}

let alice: Signer;
let mallory: Signer;
let sdk: Prover;

async function signer(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: await exportJWK(publicKey) };
}

beforeAll(async () => {
  [alice, mallory] = await Promise.all([signer(), signer()]);
  sdk = await createProver(await generateDpopKey());
});

afterEach(() => {
  vi.useRealTimers();
});

/** A proof for `POST URL_` by alice, made by jose, with any claim or header member replaced (undefined drops it). */
function proof(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, by: Signer = alice): Promise<string> {
  return new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL_, iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: by.jwk, ...header })
    .sign(by.privateKey);
}

function check(verifier: DpopVerifier, dpop: string | string[] | undefined, more: Partial<ProofCheck> = {}): Promise<string> {
  return verifier.verify({ proof: dpop, method: 'POST', url: URL_, ...more });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('the proof was accepted');
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DpopError);
  return { code: (error as DpopError).code, message: (error as DpopError).message };
}

describe('an acceptable proof', () => {
  it("from the SDK's signer passes, with the key's RFC 7638 thumbprint as the result", async () => {
    const verifier = createDpopVerifier();
    const dpop = await sdk.sign({ method: 'POST', url: `${URL_}?page=2#top`, accessToken: TOKEN });
    await expect(check(verifier, dpop, { url: `${URL_}?page=2`, accessToken: TOKEN, jkt: sdk.thumbprint })).resolves.toBe(sdk.thumbprint);
  });

  it('from jose passes too, and a query on the request URL is not part of the comparison', async () => {
    await expect(check(createDpopVerifier(), await proof(), { url: `${URL_}?x=1` })).resolves.toMatch(/^[\w-]{43}$/);
  });
});

describe('refused as invalid_dpop_proof', () => {
  const cases: Array<[string, () => Promise<string | string[] | undefined>, Partial<ProofCheck>?]> = [
    ['no DPoP header', async () => undefined],
    ['two DPoP headers', async () => [await proof(), await proof()]],
    ['two DPoP headers joined by a proxy', async () => `${await proof()}, ${await proof()}`],
    ['not a JWS', async () => 'not.a.proof'],
    ['typ other than dpop+jwt', () => proof({}, { typ: 'JWT' })],
    ['no jwk in the header', () => proof({}, { jwk: undefined })],
    ['signed by a key other than the embedded one', () => proof({}, { jwk: mallory.jwk })],
    ['no jti', () => proof({ jti: undefined })],
    ['htm of another method', () => proof({ htm: 'GET' })],
    ['htm in another case', () => proof({ htm: 'post' })],
    ['htu with another path', () => proof({ htu: 'https://api.example.com/api/other' })],
    ['htu with another port', () => proof({ htu: 'https://api.example.com:8443/api/items' })],
    ['htu with another scheme', () => proof({ htu: 'http://api.example.com/api/items' })],
    ['htu with the query string', () => proof({ htu: `${URL_}?x=1` }), { url: `${URL_}?x=1` }],
    ['htu that is not a URL', () => proof({ htu: 'items' })],
    ['no iat', () => proof({ iat: undefined })],
    ['iat 2 minutes old', () => proof({ iat: Math.floor(Date.now() / 1000) - 120 })],
    ['iat 2 minutes ahead', () => proof({ iat: Math.floor(Date.now() / 1000) + 120 })],
    ['no ath while a token is presented', () => proof(), { accessToken: TOKEN }],
    ['ath of another token', () => proof({ ath: accessTokenHash('another.token.value') }), { accessToken: TOKEN }],
  ];

  it.each(cases)('%s', async (_name, make, more) => {
    const { code } = await refusal(check(createDpopVerifier(), await make(), more));
    expect(code).toBe('invalid_dpop_proof');
  });

  it('an algorithm the server does not allow (ES384)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    const es384 = { privateKey, jwk: await exportJWK(publicKey) };
    const dpop = await proof({}, { alg: 'ES384' }, es384);
    expect((await refusal(check(createDpopVerifier(), dpop))).code).toBe('invalid_dpop_proof');
    await expect(check(createDpopVerifier({ algorithms: ['ES384'] }), dpop)).resolves.toBeTruthy();
  });

  it('a private key in the header', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const dpop = await proof({}, { jwk: await exportJWK(privateKey) }, { privateKey, jwk: alice.jwk });
    expect((await refusal(check(createDpopVerifier(), dpop))).message).toMatch(/must be a public key/);
  });

  it('a proof key other than the one the token is bound to (cnf.jkt)', async () => {
    const verifier = createDpopVerifier();
    const { message } = await refusal(check(verifier, await proof({}, {}, mallory), { jkt: sdk.thumbprint }));
    expect(message).toMatch(/not the key the token is bound to/);
  });

  it('the same proof twice (jti replay), while a proof refused for another reason does not use up its jti', async () => {
    const verifier = createDpopVerifier();
    const dpop = await proof({ ath: accessTokenHash(TOKEN) });
    await refusal(check(verifier, dpop, { accessToken: 'another.token.value' }));
    await check(verifier, dpop, { accessToken: TOKEN });
    expect((await refusal(check(verifier, dpop, { accessToken: TOKEN }))).message).toMatch(/jti already used/);
  });
});

describe('the replay cache', () => {
  it('can live elsewhere (Redis): the verifier awaits it, and keeps each id for twice the iat window', async () => {
    const kept: [string, number, Quota[]][] = [];
    const verifier = createDpopVerifier({
      iatWindow: 30,
      replays: { remember: async (id, ms, quotas) => (kept.push([id, ms, quotas]) === 1 ? 'recorded' : 'replay') },
    });
    await check(verifier, await proof({ jti: 'one' }), { address: '192.0.2.1' });
    expect(kept).toEqual([
      [
        expect.stringMatching(/^[\w-]{43}\.one$/),
        60_000,
        [
          { key: expect.stringMatching(/^k:[\w-]{43}$/), limit: 2000 },
          { key: 'a:192.0.2.1', limit: 5000 },
        ],
      ],
    ]);
    expect((await refusal(check(verifier, await proof({ jti: 'two' })))).message).toMatch(/jti already used/);
  });

  it('records an id only on spend(), after inspect() checked everything else', async () => {
    const verifier = createDpopVerifier();
    const dpop = await proof();
    const inspected = await verifier.inspect({ proof: dpop, method: 'POST', url: URL_ });
    await verifier.inspect({ proof: dpop, method: 'POST', url: URL_ }); // not recorded yet: no replay
    await inspected.spend();
    expect((await refusal(inspected.spend())).message).toMatch(/jti already used/);
    expect((await refusal(check(verifier, dpop))).message).toMatch(/jti already used/);
  });

  it('forgets an id once no proof with it could pass the iat check, and refuses rather than overflows', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = createDpopVerifier({ iatWindow: 60, replayCapacity: 2 });
    await check(verifier, await proof());
    await check(verifier, await proof());
    expect((await refusal(check(verifier, await proof()))).message).toMatch(/too many proofs/);
    vi.advanceTimersByTime(121_000);
    await expect(check(verifier, await proof())).resolves.toBeTruthy();
  });
});

/** Fake Date, set to the start of a nonce period of `seconds` (periods count from the epoch). */
function atPeriodStart(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Math.ceil(Date.now() / (seconds * 1000)) * seconds * 1000);
}

describe('server nonces', () => {
  it('a proof without the nonce, or with one that has expired, is answered use_dpop_nonce', async () => {
    atPeriodStart(60);
    const verifier = createDpopVerifier({ nonceLifetime: 60 });
    expect((await refusal(check(verifier, await proof()))).code).toBe('use_dpop_nonce');
    const first = verifier.nonce()!;
    await expect(check(verifier, await proof({ nonce: first }))).resolves.toBeTruthy();

    vi.advanceTimersByTime(61_000);
    const second = verifier.nonce()!;
    expect(second).not.toBe(first);
    // The nonce before the current one still passes: a proof made just before the change is not refused.
    await expect(check(verifier, await proof({ nonce: first }))).resolves.toBeTruthy();
    await expect(check(verifier, await proof({ nonce: second }))).resolves.toBeTruthy();

    vi.advanceTimersByTime(61_000);
    expect((await refusal(check(verifier, await proof({ nonce: first })))).code).toBe('use_dpop_nonce');
    expect((await refusal(check(verifier, await proof({ nonce: 'made-up' })))).code).toBe('use_dpop_nonce');
  });

  it('after a long quiet spell no old nonce is accepted', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = createDpopVerifier({ nonceLifetime: 60 });
    const old = verifier.nonce()!;
    vi.advanceTimersByTime(600_000);
    expect((await refusal(check(verifier, await proof({ nonce: old })))).code).toBe('use_dpop_nonce');
  });

  it('no nonces unless configured', () => {
    expect(createDpopVerifier().nonce()).toBeUndefined();
  });

  it('servers sharing the key agree on the nonce, others do not; the nonce is not the key', () => {
    const key = Buffer.alloc(32, 7);
    const [a, b, other] = [createNonces(60, key), createNonces(60, key), createNonces(60)];
    expect(a.current()).toMatch(/^[\w-]{22}$/);
    expect(b.current()).toBe(a.current());
    expect(other.current()).not.toBe(a.current());
    expect(b.accepts(a.current())).toBe(true);
    expect(other.accepts(a.current())).toBe(false);
  });

  it('can be switched on, off and moved on at run time; rotate() refuses every nonce handed out before', async () => {
    atPeriodStart(60);
    const nonces = createNonces(0);
    const verifier = createDpopVerifier({ nonces });
    await expect(check(verifier, await proof())).resolves.toBeTruthy();
    nonces.lifetime = 60;
    expect((await refusal(check(verifier, await proof()))).code).toBe('use_dpop_nonce');
    const before = verifier.nonce()!;
    nonces.rotate();
    expect(verifier.nonce()).not.toBe(before);
    expect((await refusal(check(verifier, await proof({ nonce: before })))).code).toBe('use_dpop_nonce');
    await expect(check(verifier, await proof({ nonce: verifier.nonce() }))).resolves.toBeTruthy();
    nonces.lifetime = 0;
    expect(verifier.nonce()).toBeUndefined();
    await expect(check(verifier, await proof())).resolves.toBeTruthy();
  });

  it('nonceOptional (logout) lets a proof without the nonce pass, and only the nonce check', async () => {
    const verifier = createDpopVerifier({ nonceLifetime: 60 });
    await expect(check(verifier, await proof(), { nonceOptional: true })).resolves.toBeTruthy();
    expect((await refusal(check(verifier, await proof({ htm: 'GET' }), { nonceOptional: true }))).code).toBe('invalid_dpop_proof');
  });
});

describe('refusals on the wire', () => {
  it('a resource answers 401 with a DPoP challenge, a token endpoint 400 with a JSON error', () => {
    const error = new DpopError('use_dpop_nonce', 'a fresh server nonce is required');
    expect(dpopRefusal(error, 'resource')).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", error_description="a fresh server nonce is required", algs="ES256"' },
      body: '',
    });
    const token = dpopRefusal(error, 'token');
    expect(token.status).toBe(400);
    expect(JSON.parse(token.body)).toEqual({ error: 'use_dpop_nonce', error_description: 'a fresh server nonce is required' });
  });
});
