'use client';
import type { ReactNode } from 'react';
import { createSession } from 'tokenward';
import { SessionProvider } from 'tokenward/react';

// Module level: one session per browser tab. The server evaluates this module too; there the
// session has nothing to restore and never signs in, and the hooks show `loading`.
const session = createSession();

export function Providers({ children }: { children: ReactNode }) {
  return <SessionProvider session={session}>{children}</SessionProvider>;
}
