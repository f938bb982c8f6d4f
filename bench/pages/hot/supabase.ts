// @supabase/auth-js: its default storage (localStorage, key = storageKey) holds a session in the
// shape _saveSession writes (user included).
import { AuthClient } from '@supabase/auth-js';
import { seedSupabaseSession } from '../lib/supabase.ts';
import type { HotContender } from './contender.ts';

const storageKey = 'sb-bench-auth-token';

export async function setup(): Promise<HotContender> {
  const accessToken = seedSupabaseSession(storageKey);
  // Never reached on this path (the probe counts any request); our own origin, so nothing leaves the machine.
  const auth = new AuthClient({ url: `${location.origin}/supabase/auth/v1`, storageKey });
  type SessionResult = Awaited<ReturnType<typeof auth.getSession>>;
  return {
    call: () => auth.getSession(),
    tokenOf: (result) => (result as SessionResult).data.session?.access_token,
    expected: accessToken,
  };
}
