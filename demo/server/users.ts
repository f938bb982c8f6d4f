// Demo accounts. Passwords are kept only as salted scrypt hashes, and checked in
// constant time, with the same work done for unknown users (no user enumeration
// by timing).
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const DEFAULT_USERS: Readonly<Record<string, string>> = { alice: 'wonderland' };

interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
}

// Low cost so that tests stay fast; a production server would use stronger parameters.
const SCRYPT = { N: 1024, r: 8, p: 1 } as const;

function hashPassword(password: string, salt: Buffer = randomBytes(16)): PasswordHash {
  return { salt, hash: scryptSync(password, salt, 32, SCRYPT) };
}

export class Users {
  private readonly hashes = new Map<string, PasswordHash>();
  private readonly dummy = hashPassword(randomBytes(16).toString('hex'));

  constructor(users: Readonly<Record<string, string>>) {
    for (const [name, password] of Object.entries(users)) this.hashes.set(name, hashPassword(password));
  }

  /** The user name if the credentials are right, else null. */
  verify(username: string, password: string): string | null {
    const known = this.hashes.get(username);
    const stored = known ?? this.dummy;
    const candidate = hashPassword(password, stored.salt).hash;
    return timingSafeEqual(candidate, stored.hash) && known ? username : null;
  }
}
