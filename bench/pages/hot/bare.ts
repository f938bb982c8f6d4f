// The floor: a token already in a variable, handed out as a resolved promise.
import { claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { HotContender } from './contender.ts';

export async function setup(): Promise<HotContender> {
  const token = fakeJwt(claimsFor(LONG_LIFETIME));
  return { call: () => Promise.resolve(token), tokenOf: (result) => result, expected: token };
}
