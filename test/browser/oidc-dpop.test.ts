// tokenward/oidc with tokenward/dpop in real Chromium against oidc-provider with its DPoP
// feature as the verifier: the code, the access token and the refresh token are bound to the
// key the session keeps in the vault, and the API on a third origin takes the access token only
// with a proof by that key.
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver } from '../../src/dpop/proof.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { keepTabsBusy, reachCallback, signIn, stopSession, useOidcSuite } from './harness/oidc.ts';
import { eventsOf } from './harness/sessions.ts';

const TTL = 3;
const h = useOidcSuite({ accessTokenTtl: TTL, page: '/oidc-dpop.html', dpop: true });

const accessToken = async (page: Page): Promise<string> => (await page.evaluate(() => window.session.getAccessToken())) ?? '';

/** The thumbprint of the key an access token is bound to (its `cnf.jkt`). */
function boundKeyOf(token: string): unknown {
  return (decodeJwt(token).cnf as { jkt?: unknown } | undefined)?.jkt;
}

/** The thumbprint of the key that signed a proof (the JWK in its header). */
function signerOf(proof: string | string[] | undefined): Promise<string> {
  if (typeof proof !== 'string') throw new Error(`not one proof: ${String(proof)}`);
  const { jwk } = decodeProtectedHeader(proof);
  if (!jwk) throw new Error('a proof without its key');
  return calculateJwkThumbprint(jwk);
}

/** The POSTs to a provider endpoint so far (its CORS preflights left out). */
const posted = (path: string) => h.provider.requests.filter((request) => request.method === 'POST' && request.path === path);

/** The calls to the provider's token endpoint so far: their status, and whether their proof carried a server nonce. */
const tokenCalls = () => posted('/token').map(({ status, dpop }) => ({ status, nonce: dpop ? 'nonce' in decodeJwt(dpop) : 'no proof' }));

/** The page's session calls the API; resolves the status the app sees. */
const callApi = (page: Page): Promise<number> => page.evaluate((api) => window.session.fetch(`${api}/me`).then((r) => r.status), h.api.url);

/** Whether the vault record `record` holds a usable key pair with thumbprint `jkt` (null: no such record). */
const vaultKeyIs = (page: Page, record: string, jkt: unknown): Promise<boolean | null> =>
  page.evaluate(({ record, jkt }) => window.twOidcDpop.keyIs(record, String(jkt)), { record, jkt });

/** Nothing of a sign-in left in the browser: no tokens, no key, no pending record (a signed-out marker at most). */
async function expectNoSession(page: Page): Promise<void> {
  const dump = await page.evaluate(() => window.twTest.dumpAllStorage());
  expect(dump.indexedDB.filter((record) => record.key !== 'session' || !record.value.includes('signedOut'))).toEqual([]);
}

describe('tokenward/oidc with DPoP: sign-in and theft', () => {
  it('binds the code and the tokens to the key in the vault; the API takes the access token only with a proof by that key', async () => {
    const [page] = await h.oidcTabs(1);
    const errors = trackErrors(page!);
    const earlier = new Set(h.provider.refreshTokens());
    await h.start([page!]);
    const authorization = page!.waitForRequest((request) => request.url().startsWith(`${h.provider.issuer}/auth?`));
    await signIn(page!, h);
    const token = await accessToken(page!);
    const jkt = boundKeyOf(token);
    expect(jkt).toEqual(expect.any(String));
    // The code was bound to the key (dpop_jkt), the code exchange was proved by it, and the
    // key is the one in the vault, where every tab of this browser finds it.
    expect(new URL((await authorization).url()).searchParams.get('dpop_jkt')).toBe(jkt);
    expect(tokenCalls()).toEqual([{ status: 200, nonce: false }]);
    expect(await signerOf(posted('/token')[0]?.dpop)).toBe(jkt);
    expect(await vaultKeyIs(page!, 'dpop-key', jkt)).toBe(true);
    // The pending sign-in's copy went with it.
    expect(await vaultKeyIs(page!, 'oidc-login-key-pair', jkt)).toBeNull();

    const me = await page!.evaluate(async (api) => {
      const response = await window.session.fetch(`${api}/me`);
      return { status: response.status, body: (await response.json()) as unknown };
    }, h.api.url);
    expect(me).toEqual({ status: 200, body: expect.objectContaining({ sub: 'alice', jkt }) });
    const sent = h.api.requests.at(-1)!;
    expect(sent.authorization).toBe(`DPoP ${token}`);
    expect(await signerOf(sent.dpop)).toBe(jkt);

    // The access token taken out of the page and replayed from Node: as Bearer, without a
    // proof, with a proof by another key, or with the page's own proof once more: all refused.
    const thief = await createProver(await generateDpopKey());
    const fromNode = async (headers: Record<string, string>) => (await fetch(`${h.api.url}/me`, { headers })).status;
    expect({
      bearer: await fromNode({ Authorization: `Bearer ${token}` }),
      noProof: await fromNode({ Authorization: `DPoP ${token}` }),
      otherKey: await fromNode({ Authorization: `DPoP ${token}`, DPoP: await thief.sign({ method: 'GET', url: `${h.api.url}/me`, accessToken: token }) }),
      replayedProof: await fromNode({ Authorization: sent.authorization, DPoP: String(sent.dpop) }),
    }).toEqual({ bearer: 401, noProof: 401, otherKey: 401, replayedProof: 401 });

    // The refresh token, taken from the provider's store, is worth nothing without the key either.
    const [refreshToken] = h.provider.refreshTokens().filter((value) => !earlier.has(value));
    const grant = async (proof?: string) => {
      const response = await fetch(`${h.provider.issuer}/token`, {
        method: 'POST',
        headers: proof ? { DPoP: proof } : {},
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: h.provider.clientId }),
      });
      return { status: response.status, error: ((await response.json()) as { error?: string }).error };
    };
    expect(await grant()).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await grant(await thief.sign({ method: 'POST', url: `${h.provider.issuer}/token` }))).toEqual({ status: 400, error: 'invalid_grant' });

    // The session itself is untouched: a reload restores it with its key from the vault, with
    // no new sign-in, and it refreshes and calls the API as before. The access token lives 3 s,
    // so a slow engine may find it expired at the restore and refresh it: with that same key.
    await stopSession(page!);
    const calls = h.provider.requests.length;
    const exchanges = h.provider.stats().codeExchanges;
    await page!.reload();
    await h.start([page!]);
    await waitForState(page!, 'authenticated');
    const sinceReload = h.provider.requests.slice(calls).filter((request) => request.method === 'POST');
    expect(sinceReload.map((request) => request.path)).toEqual(sinceReload.map(() => '/token'));
    for (const request of sinceReload) expect(await signerOf(request.dpop)).toBe(jkt);
    expect(h.provider.stats().codeExchanges).toBe(exchanges);
    expect(h.provider.requests.slice(calls).filter((request) => request.path.startsWith('/auth'))).toEqual([]);
    await page!.evaluate(() => window.session.refresh());
    const renewed = await accessToken(page!);
    expect(renewed).not.toBe(token);
    expect(boundKeyOf(renewed)).toBe(jkt);
    expect(await callApi(page!)).toBe(200);
    // The provider's endpoints never see a bearer token, nor its token endpoint a cookie.
    expect(h.provider.requests.filter((r) => r.authorization)).toEqual([]);
    expect(h.provider.requests.filter((r) => r.path.startsWith('/token') && r.cookie)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('tokenward/oidc with DPoP: a provider that ignores it', () => {
  it('refuses the Bearer tokens of a provider without DPoP support: typed error, nothing stored', async () => {
    h.provider.ignoreDpop(true);
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    await reachCallback(page!, h);
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(h.provider.stats().codeExchanges).toBe(1);
    await expectNoSession(page!);
  });
});

describe('tokenward/oidc with DPoP: nonces', () => {
  it('answers the nonce challenges at the code exchange, the refresh and the API with one retry each, and no error reaches the app', async () => {
    h.provider.requireDpopNonce(true);
    h.api.requireDpopNonce(true);
    const apiCalls = h.api.requests.length;
    const [page] = await h.oidcTabs(1);
    const errors = trackErrors(page!);
    await h.start([page!]);
    await signIn(page!, h);
    expect(tokenCalls()).toEqual([
      { status: 400, nonce: false },
      { status: 200, nonce: true },
    ]);
    expect(await eventsOf(page!)).toEqual(['login:this-tab']);
    expect(await callApi(page!)).toBe(200);

    // A new page has learned no nonce yet: its first refresh is challenged as well.
    await stopSession(page!);
    await page!.reload();
    await h.start([page!]);
    await waitForState(page!, 'authenticated');
    h.provider.resetStats();
    await page!.evaluate(() => window.session.refresh());
    expect(tokenCalls()).toEqual([
      { status: 400, nonce: false },
      { status: 200, nonce: true },
    ]);
    expect(await callApi(page!)).toBe(200);
    expect(await eventsOf(page!)).toEqual(['refresh:this-tab']);
    // Each page's first API call was challenged once (401 use_dpop_nonce) and retried with the nonce.
    const answered = h.api.requests.slice(apiCalls).map(({ status, dpop }) => ({ status, nonce: typeof dpop === 'string' && 'nonce' in decodeJwt(dpop) }));
    expect(answered).toEqual([
      { status: 401, nonce: false },
      { status: 200, nonce: true },
      { status: 401, nonce: false },
      { status: 200, nonce: true },
    ]);
    expect(errors).toEqual([]);
  });
});

describe('tokenward/oidc with DPoP: across tabs', () => {
  it('keeps 8 busy tabs over 5+ token lifetimes on the one key in the vault, with one provider refresh per rotation', async () => {
    const apiCalls = h.api.requests.length;
    const pages = await keepTabsBusy(h, 8, 5.3 * TTL * 1000);
    const jkt = boundKeyOf(await accessToken(pages[0]!));
    expect(await vaultKeyIs(pages[0]!, 'dpop-key', jkt)).toBe(true);
    for (const page of pages) expect(boundKeyOf(await accessToken(page))).toBe(jkt);
    // Every refresh and every API call of every tab was proved by that key.
    const refreshes = posted('/token');
    const calls = h.api.requests.slice(apiCalls);
    expect(new Set(await Promise.all([...refreshes, ...calls].map((request) => signerOf(request.dpop))))).toEqual(new Set([jkt]));
    expect(calls.every((call) => call.authorization.startsWith('DPoP '))).toBe(true);
  });
});

describe('tokenward/oidc with DPoP: the key ends with the session', () => {
  it('deletes the key at logout after revoking with a proof by it; the next login makes a new key', async () => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    await signIn(page!, h);
    const first = boundKeyOf(await accessToken(page!));
    await page!.evaluate(() => window.session.logout());
    await expect.poll(() => h.provider.stats().revocations).toBe(1);
    expect(await signerOf(posted('/token/revocation')[0]?.dpop)).toBe(first);
    expect(await vaultKeyIs(page!, 'dpop-key', first)).toBeNull();

    await signIn(page!, h);
    const second = boundKeyOf(await accessToken(page!));
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    expect(await vaultKeyIs(page!, 'dpop-key', second)).toBe(true);
  });

  it.each(['nothing', 'another key'] as const)(
    'refuses a callback whose pending key was replaced by %s: typed error, no code exchange, nothing stored',
    async (by) => {
      const [page] = await h.oidcTabs(1);
      await h.start([page!]);
      await reachCallback(page!, h);
      await page!.evaluate((by) => window.twOidcDpop.replace('oidc-login-key-pair', by), by);
      await h.start([page!]);
      expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
      expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
      expect(h.provider.stats().codeExchanges).toBe(0);
      await expectNoSession(page!);
    },
  );
});
