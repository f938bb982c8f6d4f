'use client';
import type { ReactNode } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { useLeaveOnLogout, useSession } from 'tokenward/react';

/**
 * Shows `children` to a signed-in user only. Anyone else goes to /login with `next` (where they
 * were) and, when the session ended here (a logout in this tab or another, expiry, idle), `reason`.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  useLeaveOnLogout((reason) => {
    const query = new URLSearchParams({ next: pathname, ...(reason && { reason }) });
    router.replace(`/login?${query.toString()}`);
  });
  const { status, expired } = useSession();
  // `loading` (on the server, while hydrating and restoring); `unauthenticated`: on the way to /login.
  if (status !== 'authenticated') return null;
  return (
    <>
      {expired && <p role="status">Signed in, reconnecting…</p>}
      {children}
    </>
  );
}
