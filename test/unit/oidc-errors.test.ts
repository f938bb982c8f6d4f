// How tokenward/oidc classifies the provider's answers, on real Response objects run through
// oauth4webapi's own response processing (what a refresh sees).
import { processRefreshTokenResponse, type AuthorizationServer } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { TokenwardError } from '../../src/errors.ts';
import { read } from '../../src/oidc/errors.ts';

const as: AuthorizationServer = { issuer: 'https://id.example.com', token_endpoint: 'https://id.example.com/token' };
const refreshed = (response: Response) =>
  read(
    'refresh',
    response,
    (r) => processRefreshTokenResponse(as, { client_id: 'spa' }, r),
    (error) => (error === 'invalid_grant' ? 'refresh_rejected' : 'http'),
  );
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('provider answers', () => {
  it('invalid_grant ends the session, keeping the OAuth error', async () => {
    const error = await refreshed(json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenwardError);
    expect(error).toMatchObject({ code: 'refresh_rejected', status: 400, oauthError: 'invalid_grant', oauthErrorDescription: 'grant request is invalid' });
  });

  it('another OAuth error is an http error, not a logout', async () => {
    await expect(refreshed(json(400, { error: 'invalid_client' }))).rejects.toMatchObject({ code: 'http', oauthError: 'invalid_client' });
  });

  it.each([
    ['a 503 with an OAuth body', () => json(503, { error: 'temporarily_unavailable' }), 'server'],
    ['a 500 HTML page', () => new Response('<html>oops</html>', { status: 500 }), 'server'],
    ['a 429', () => json(429, {}, { 'retry-after': '7' }), 'rate_limited'],
    [
      'a 200 HTML page (a proxy)',
      () => new Response('<html>a proxy page</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      'invalid_response',
    ],
    ['a 403 without an OAuth body', () => new Response('forbidden', { status: 403 }), 'http'],
  ])('%s is %s: kept and retried, never a logout', async (_label, response, code) => {
    await expect(refreshed(response())).rejects.toMatchObject({ code });
  });

  it('keeps the Retry-After of a 429', async () => {
    await expect(refreshed(json(429, {}, { 'retry-after': '7' }))).rejects.toMatchObject({ retryAfter: 7 });
  });
});
