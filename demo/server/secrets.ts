// Signing secrets come from the environment (JWT_SECRET, SESSION_SECRET), or from the
// options in tests. When absent they are generated at start-up and kept in memory only:
// then a restart signs everybody out, which is the safe failure. They are never written
// next to the data, so a copy of the database cannot forge a token or a session cookie.
import { randomBytes } from 'node:crypto';

export interface Secrets {
  jwt: Buffer;
  session: string;
}

const fresh = (): string => randomBytes(32).toString('base64url');

export function loadSecrets(given: { jwt?: string; session?: string } = {}, env: NodeJS.ProcessEnv = process.env): Secrets {
  const jwt = given.jwt ?? env.JWT_SECRET ?? fresh();
  const session = given.session ?? env.SESSION_SECRET ?? fresh();
  // HS256 wants at least 256 bits of key; a short secret is a configuration error, not a warning.
  if (Buffer.byteLength(jwt) < 32 || Buffer.byteLength(session) < 32) throw new RangeError('JWT_SECRET and SESSION_SECRET need at least 32 bytes');
  return { jwt: Buffer.from(jwt), session };
}
