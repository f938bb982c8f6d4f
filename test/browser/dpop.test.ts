// The SDK's DPoP module in real Chromium against the DPoP test server (built on the reference
// server's verifier): the key pair, the proofs, the sender that answers nonce and clock
// challenges, and the key's life in the encrypted vault.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver } from '../../src/dpop/proof.ts';
import { trackErrors } from './harness/browser.ts';
import { startDpopServer, type DpopServer, type DpopServerOptions } from './harness/dpop-server.ts';
import { useBrowserSuite } from './harness/suite.ts';

const suite = useBrowserSuite();
const VAULT = 'dpop-test';
const SKEW = 10 * 60_000;

let api: DpopServer | undefined;
let errors: string[][] = [];

async function startApi(options: DpopServerOptions = {}): Promise<DpopServer> {
  api = await startDpopServer(options);
  return api;
}

beforeEach(() => {
  errors = [];
});

afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const list of errors) expect(list).toEqual([]);
});

/** dpop.html on the reference server's origin: the API server is another origin, as an API would be. */
async function openPage(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await suite.context())).newPage();
  errors.push(trackErrors(page));
  await page.goto(new URL('/dpop.html', suite.server.url).href);
  await page.waitForFunction(() => typeof window.twDpop?.createProver === 'function');
  return page;
}

const statuses = (server: DpopServer) => server.exchanges.map(({ method, path, status }) => `${method} ${path} ${status}`);

describe('proofs from the page', () => {
  it('sign a token request and API calls with the bound token; the proof says only what RFC 9449 asks', async () => {
    const server = await startApi();
    const page = await openPage();
    const result = await page.evaluate(async (url) => {
      const { generateDpopKey, createProver, createDpopSender } = window.twDpop;
      const prover = await createProver(await generateDpopKey());
      const send = createDpopSender();
      const issued = (await (await send(prover, new Request(`${url}/token`, { method: 'POST' }))).json()) as { access_token: string; token_type: string };
      const me = await send(prover, new Request(`${url}/api/me?page=2#top`), issued.access_token);
      const proof = await prover.sign({ method: 'GET', url: `${url}/api/me?page=2#top`, accessToken: issued.access_token });
      return { tokenType: issued.token_type, token: issued.access_token, status: me.status, body: await me.json(), thumbprint: prover.thumbprint, proof };
    }, server.url);

    expect(result.tokenType).toBe('DPoP');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ jkt: result.thumbprint });
    expect(statuses(server)).toEqual(['POST /token 200', 'GET /api/me?page=2 200']);

    const header = decodeProtectedHeader(result.proof);
    expect(header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) } });
    const claims = decodeJwt(result.proof);
    expect(claims).toEqual({
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      htm: 'GET',
      htu: `${server.url}/api/me`, // no query, no fragment
      iat: expect.any(Number),
      ath: await crypto.subtle.digest('SHA-256', new TextEncoder().encode(result.token)).then((hash) => Buffer.from(hash).toString('base64url')),
    });
  });

  it('are refused when signed by another key, and a token taken out of the page is useless from Node', async () => {
    const server = await startApi();
    const page = await openPage();
    const { token, otherKeyStatus } = await page.evaluate(async (url) => {
      const { generateDpopKey, createProver, createDpopSender } = window.twDpop;
      const send = createDpopSender();
      const owner = await createProver(await generateDpopKey());
      const thief = await createProver(await generateDpopKey());
      const issued = (await (await send(owner, new Request(`${url}/token`, { method: 'POST' }))).json()) as { access_token: string };
      const stolen = await send(thief, new Request(`${url}/api/me`), issued.access_token);
      return { token: issued.access_token, otherKeyStatus: stolen.status };
    }, server.url);
    expect(otherKeyStatus).toBe(401);

    const me = `${server.url}/api/me`;
    const nodeProver = await createProver(await generateDpopKey());
    const attempts = await Promise.all([
      fetch(me, { headers: { Authorization: `DPoP ${token}` } }),
      fetch(me, { headers: { Authorization: `Bearer ${token}` } }),
      fetch(me, { headers: { Authorization: `DPoP ${token}`, DPoP: await nodeProver.sign({ method: 'GET', url: me, accessToken: token }) } }),
    ]);
    expect(attempts.map((response) => response.status)).toEqual([401, 401, 401]);
  });

  it('are refused when replayed (same jti)', async () => {
    const server = await startApi();
    const page = await openPage();
    const replayed = await page.evaluate(async (url) => {
      const { generateDpopKey, createProver, createDpopSender } = window.twDpop;
      const prover = await createProver(await generateDpopKey());
      const issued = (await (await createDpopSender()(prover, new Request(`${url}/token`, { method: 'POST' }))).json()) as { access_token: string };
      const headers = {
        Authorization: `DPoP ${issued.access_token}`,
        DPoP: await prover.sign({ method: 'GET', url: `${url}/api/me`, accessToken: issued.access_token }),
      };
      const first = await fetch(`${url}/api/me`, { headers });
      const again = await fetch(`${url}/api/me`, { headers });
      return { first: first.status, again: again.status, challenge: again.headers.get('www-authenticate') };
    }, server.url);
    expect(replayed).toEqual({ first: 200, again: 401, challenge: expect.stringContaining('error="invalid_dpop_proof"') });
  });
});

describe("the session's binding (tokenward/dpop)", () => {
  it('makes a new key per login, loads only the usable stored key the tokens name, and signs with the key it is given', async () => {
    const server = await startApi();
    const page = await openPage();
    const seen = await page.evaluate(async (url) => {
      const binding = window.twDpop.dpop.createBinding();
      const first = await binding.create();
      const second = await binding.create();
      const { access_token: token } = (await (await binding.fetchWith(first)(`${url}/token`, { method: 'POST' })).json()) as { access_token: string };
      const withFirst = (await binding.send(new Request(`${url}/api/me`), token, first)).status;
      const withSecond = (await binding.send(new Request(`${url}/api/me`), token, second)).status;
      const reloaded = await binding.load(first.pair, first.prover.thumbprint);
      const withReloaded = reloaded && (await binding.send(new Request(`${url}/api/me`), token, reloaded)).status;
      const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      return {
        differ: first.prover.thumbprint !== second.prover.thumbprint,
        sameAfterLoad: reloaded?.prover.thumbprint === first.prover.thumbprint,
        refusedExtractable: await binding.load(extractable, first.prover.thumbprint),
        refusedOtherKey: await binding.load(second.pair, first.prover.thumbprint),
        statuses: [withFirst, withSecond, withReloaded],
      };
    }, server.url);
    expect(seen).toEqual({ differ: true, sameAfterLoad: true, refusedExtractable: null, refusedOtherKey: null, statuses: [200, 401, 200] });
  });
});

describe('challenges, each answered by one retry', () => {
  it('a server nonce: at the token endpoint (400) and at the API (401), then remembered per origin', async () => {
    const server = await startApi({ nonceLifetime: 300 });
    const page = await openPage();
    const statusesSeen = await page.evaluate(async (url) => {
      const { generateDpopKey, createProver, createDpopSender } = window.twDpop;
      const prover = await createProver(await generateDpopKey());
      const send = createDpopSender();
      const tokenResponse = await send(prover, new Request(`${url}/token`, { method: 'POST' }));
      const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
      // Another page's sender has no nonce yet: the API challenges it.
      const fresh = await createDpopSender()(prover, new Request(`${url}/api/me`), token);
      // This one learned the nonce from the token response, which the API shares.
      const known = await send(prover, new Request(`${url}/api/me`), token);
      return [tokenResponse.status, fresh.status, known.status];
    }, server.url);
    expect(statusesSeen).toEqual([200, 200, 200]);
    expect(statuses(server)).toEqual(['POST /token 400', 'POST /token 200', 'GET /api/me 401', 'GET /api/me 200', 'GET /api/me 200']);
  });

  it('a client clock 10 minutes ahead: corrected from the Date of the refusal, or by an offset passed in', async () => {
    const server = await startApi();
    const page = await openPage();
    const seen = await page.evaluate(
      async ({ url, skew }) => {
        const realNow = Date.now.bind(Date);
        Date.now = () => realNow() + skew;
        const { generateDpopKey, createProver, createDpopSender } = window.twDpop;
        const prover = await createProver(await generateDpopKey());
        const tokenRequest = async (clockOffset: number) =>
          (await fetch(`${url}/token`, { method: 'POST', headers: { DPoP: await prover.sign({ method: 'POST', url: `${url}/token`, clockOffset }) } })).status;
        const uncorrected = await tokenRequest(0);
        const offsetPassedIn = await tokenRequest(-skew);
        const send = createDpopSender();
        const viaSender = await send(prover, new Request(`${url}/token`, { method: 'POST' }));
        const { access_token: token } = (await viaSender.json()) as { access_token: string };
        const api = await send(prover, new Request(`${url}/api/me`), token);
        return { uncorrected, offsetPassedIn, viaSender: viaSender.status, api: api.status };
      },
      { url: server.url, skew: SKEW },
    );
    expect(seen).toEqual({ uncorrected: 400, offsetPassedIn: 200, viaSender: 200, api: 200 });
    // The sender's first proof was refused for its iat; the retry, and every proof after it, were on the server's clock.
    expect(statuses(server)).toEqual(['POST /token 400', 'POST /token 200', 'POST /token 400', 'POST /token 200', 'GET /api/me 200']);
  });
});

describe('the key in the vault', () => {
  /**
   * Saves a session (of `generation`) with a new key in this page's vault; resolves with its
   * thumbprint and, given the API, a token bound to it.
   */
  function saveWithNewKey(page: Page, url?: string, generation = 1): Promise<{ thumbprint: string; token: string | null }> {
    return page.evaluate(
      async ({ name, url, generation }) => {
        const { generateDpopKey, createProver, createDpopSender, createEncryptedVault } = window.twDpop;
        const dpopKey = await generateDpopKey();
        const tokens = { accessToken: 'a.b.c', refreshToken: null, expiresAt: Date.now() + 60_000, issuedAt: Date.now(), claims: null };
        if (!(await createEncryptedVault(name).save({ generation, tokens, dpopKey }))) throw new Error('not saved');
        const prover = await createProver(dpopKey);
        if (!url) return { thumbprint: prover.thumbprint, token: null };
        const issued = await createDpopSender()(prover, new Request(`${url}/token`, { method: 'POST' }));
        return { thumbprint: prover.thumbprint, token: ((await issued.json()) as { access_token: string }).access_token };
      },
      { name: VAULT, url, generation },
    );
  }

  /** What another tab finds in the vault: the key's thumbprint, whether it could be exported, and the raw record names. */
  function loadKey(page: Page) {
    return page.evaluate(async (name) => {
      const { createProver, createEncryptedVault, vaultDatabaseName, idbKeyval, isDpopKey } = window.twDpop;
      const stored = await createEncryptedVault(name).load();
      const key = isDpopKey(stored?.dpopKey) ? stored.dpopKey : null;
      const exported = key
        ? await crypto.subtle.exportKey('jwk', key.privateKey).then(
            () => 'exported',
            (error: Error) => error.name,
          )
        : null;
      return {
        hasTokens: stored?.tokens != null,
        thumbprint: key ? (await createProver(key)).thumbprint : null,
        extractable: key?.privateKey.extractable ?? null,
        exported,
        records: (await idbKeyval.keys(idbKeyval.createStore(vaultDatabaseName(name), 'vault'))).map(String).sort(),
      };
    }, VAULT);
  }

  it('is one non-extractable key that every tab reads and can sign with', async () => {
    const server = await startApi();
    const [first, second] = [await openPage(), await openPage()];
    const { thumbprint, token } = await saveWithNewKey(first, server.url);
    expect(await loadKey(second)).toEqual({
      hasTokens: true,
      thumbprint,
      extractable: false,
      exported: 'InvalidAccessError',
      records: ['dpop-key', 'key', 'session'],
    });

    // The token bound in the first tab works from the second, with the key it read from the vault.
    const status = await second.evaluate(
      async ({ name, url, token }) => {
        const { createProver, createDpopSender, createEncryptedVault, isDpopKey } = window.twDpop;
        const stored = await createEncryptedVault(name).load();
        if (!isDpopKey(stored?.dpopKey)) throw new Error('no usable key in the vault');
        const prover = await createProver(stored.dpopKey);
        return (await createDpopSender()(prover, new Request(`${url}/api/me`), token)).status;
      },
      { name: VAULT, url: server.url, token },
    );
    expect(status).toBe(200);
  });

  it('is deleted with the vault; the next session gets a new key; an extractable key put in its place is refused', async () => {
    const [first, second] = [await openPage(), await openPage()];
    const before = (await saveWithNewKey(first)).thumbprint;
    await first.evaluate((name) => window.twDpop.createEncryptedVault(name).clear(1), VAULT);
    expect(await loadKey(second)).toEqual({ hasTokens: false, thumbprint: null, extractable: null, exported: null, records: ['session'] });

    // The next session comes in a later generation: the vault refuses tokens at a generation that ended (issue 23, finding 7).
    expect((await saveWithNewKey(first, undefined, 2)).thumbprint).not.toBe(before);
    const replaced = await first.evaluate(async (name) => {
      const { createEncryptedVault, vaultDatabaseName, isDpopKey, idbKeyval } = window.twDpop;
      const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      await idbKeyval.set('dpop-key', extractable, idbKeyval.createStore(vaultDatabaseName(name), 'vault'));
      const stored = await createEncryptedVault(name).load();
      return { usable: isDpopKey(stored?.dpopKey), hasTokens: stored?.tokens != null };
    }, VAULT);
    expect(replaced).toEqual({ usable: false, hasTokens: true });
  });
});
