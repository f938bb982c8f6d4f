// tokenward signed in through its public API (setTokens), as a token obtained by another flow.
import { createSession, type StorageKind } from '../../../src/index.ts';
import { claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { HotContender } from './contender.ts';

export async function setup(storage: StorageKind): Promise<HotContender> {
  const session = createSession({ storage, name: `bench-hot-${storage}` });
  const token = fakeJwt(claimsFor(LONG_LIFETIME));
  await session.setTokens({ access_token: token, token_type: 'Bearer', expires_in: LONG_LIFETIME });
  return { call: () => session.getAccessToken(), tokenOf: (result) => result, expected: token };
}
