// Issue 23, finding 9: the first-party flow, like the OpenID Connect one, never adopts a refresh
// answered for another user, and with DPoP never adopts tokens the server did not bind to the key.
// The flow against a real HTTP server on loopback, which answers what the test tells it to.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpop } from '../../src/dpop/index.ts';
import { createAuthApi } from '../../src/flows/first-party.ts';

/** An unsigned JWT naming `sub`: the SDK only decodes it. */
const jwt = (sub: string): string => `e30.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;

let server: Server;
let baseUrl: string;
/** What the next login and refresh answer. */
let answer: { sub: string; tokenType: string };
/** The DPoP header of each request, in order. */
const proofs: Array<string | undefined> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    proofs.push(req.headers.dpop as string | undefined);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: jwt(answer.sub), token_type: answer.tokenType, expires_in: 60 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const endpoints = { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout' };
const signal = new AbortController().signal;

describe('issue 23, finding 9: the first-party flow refuses another user and unbound tokens', () => {
  it('refuses a refresh answered for another sub with refresh_rejected (the session ends), and takes one for the same user', async () => {
    const flow = createAuthApi({ baseUrl, endpoints, mode: 'bearer', csrf: false, timeout: 2_000 });
    answer = { sub: 'alice', tokenType: 'Bearer' };
    const tokens = await flow.login({ username: 'alice' }, signal, null);
    expect(tokens.claims?.sub).toBe('alice');
    expect((await flow.refresh(tokens, signal, null)).claims?.sub).toBe('alice');
    answer = { sub: 'mallory', tokenType: 'Bearer' };
    await expect(flow.refresh(tokens, signal, null)).rejects.toMatchObject({ code: 'refresh_rejected', message: expect.stringContaining('another user') });
  });

  it('with DPoP, refuses a login or refresh answered with token_type Bearer (invalid_response), and takes DPoP in any case', async () => {
    const binding = dpop.createBinding();
    const flow = createAuthApi({ baseUrl, endpoints, mode: 'bearer', csrf: false, timeout: 2_000, dpop: binding });
    const key = await binding.create();
    proofs.length = 0;
    answer = { sub: 'alice', tokenType: 'Bearer' };
    await expect(flow.login({ username: 'alice' }, signal, key)).rejects.toMatchObject({ code: 'invalid_response' });
    answer = { sub: 'alice', tokenType: 'dpop' };
    const tokens = await flow.login({ username: 'alice' }, signal, key);
    answer = { sub: 'alice', tokenType: 'Bearer' };
    await expect(flow.refresh(tokens, signal, key)).rejects.toMatchObject({ code: 'invalid_response' });
    answer = { sub: 'alice', tokenType: 'DPoP' };
    expect((await flow.refresh(tokens, signal, key)).claims?.sub).toBe('alice');
    // Every call carried a proof: the refusals are the flow's, not a missing proof.
    expect(proofs).toHaveLength(4);
    expect(proofs.every(Boolean)).toBe(true);
  });

  it('without DPoP, takes a Bearer token_type as before', async () => {
    const flow = createAuthApi({ baseUrl, endpoints, mode: 'bearer', csrf: false, timeout: 2_000 });
    answer = { sub: 'alice', tokenType: 'Bearer' };
    expect((await flow.login({ username: 'alice' }, signal, null)).claims?.sub).toBe('alice');
  });
});
