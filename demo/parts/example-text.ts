// What the React and Vue example pages say about the session, in one place, so that the two
// examples read as framework code and show the same words for the same thing.
import { HTTPError } from 'ky';
import { TokenwardError, type JwtClaims, type SessionState } from '../../src/index.ts';

/** The reference server's demo account, prefilled in the sign-in forms and shown next to them. */
export const DEMO_USER = { username: 'alice', password: 'wonderland' } as const;

export function statusText({ status, claims }: SessionState): string {
  if (status === 'authenticated') return `Signed in as ${claims?.sub ?? 'someone'}`;
  return status === 'loading' ? 'Restoring…' : 'Signed out';
}

/** The `exp` claim as the token has it, and as a time of day: it moves on with every silent refresh. */
export function expiryText(claims: JwtClaims | null): string {
  return claims?.exp === undefined ? '–' : `${claims.exp} (${new Date(claims.exp * 1000).toLocaleTimeString()})`;
}

/** A failed sign-in or API call, in a line: what the SDK (TokenwardError) or ky (HTTPError) reported. */
export function failureText(error: unknown): string {
  if (error instanceof TokenwardError) return error.code === 'login_failed' ? 'Wrong user or password.' : `${error.code}: ${error.message}`;
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  return error instanceof Error ? error.message : String(error);
}
