// What both supabase auth-js benches share: a signed-in session where auth-js keeps it.
import { claimsFor, fakeJwt, LONG_LIFETIME } from './fake-tokens.ts';

/** Writes a session to localStorage under `key`, in the shape auth-js saves one (user included); returns its access token. */
export function seedSupabaseSession(key: string): string {
  const claims = claimsFor(LONG_LIFETIME, { aud: 'authenticated', role: 'authenticated', email: 'bench@example.com', session_id: crypto.randomUUID() });
  const accessToken = fakeJwt(claims);
  const now = new Date().toISOString();
  localStorage.setItem(
    key,
    JSON.stringify({
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: LONG_LIFETIME,
      expires_at: claims.exp,
      refresh_token: `bench-refresh-${crypto.randomUUID()}`,
      user: {
        id: claims.sub,
        aud: 'authenticated',
        role: 'authenticated',
        email: 'bench@example.com',
        app_metadata: { provider: 'email', providers: ['email'] },
        user_metadata: {},
        identities: [],
        created_at: now,
        updated_at: now,
      },
    }),
  );
  return accessToken;
}
