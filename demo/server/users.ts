// Demo accounts. Passwords are kept only as salted scrypt hashes, and checked in
// constant time, with the same work done for unknown users (no user enumeration
// by timing). Hashing runs on libuv's thread pool (async scrypt), never on the
// event loop: a burst of logins must not stall every other request.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export const DEFAULT_USERS: Readonly<Record<string, string>> = { alice: 'wonderland' };

interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
}

// Low cost so that tests stay fast; a production server would use stronger parameters.
const SCRYPT = { N: 1024, r: 8, p: 1 } as const;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<PasswordHash> {
  return { salt, hash: await derive(password, salt) };
}

export class Users {
  private readonly hashes = new Map<string, PasswordHash>();
  private readonly dummy: PasswordHash;

  constructor(users: Readonly<Record<string, string>>) {
    // Start-up only, before the server listens: the one place a synchronous hash is fine.
    const sync = (password: string, salt = randomBytes(16)): PasswordHash => ({ salt, hash: scryptSync(password, salt, 32, SCRYPT) });
    for (const [name, password] of Object.entries(users)) this.hashes.set(name, sync(password));
    this.dummy = sync(randomBytes(16).toString('hex'));
  }

  /** The user name if the credentials are right, else null. */
  async verify(username: string, password: string): Promise<string | null> {
    const known = this.hashes.get(username);
    const stored = known ?? this.dummy;
    const candidate = await derive(password, stored.salt);
    return timingSafeEqual(candidate, stored.hash) && known ? username : null;
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.hashes.set(username, await hashPassword(password));
  }
}
