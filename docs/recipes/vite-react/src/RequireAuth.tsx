import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useLeaveOnLogout, useSession } from 'tokenward/react';

/**
 * Shows `children` to a signed-in user only. Anyone else goes to /login with `next` (where they
 * were) and, when the session ended here (a logout in this tab or another, expiry, idle), `reason`.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useLeaveOnLogout((reason) => {
    const query = new URLSearchParams({ next: pathname, ...(reason && { reason }) });
    navigate(`/login?${query.toString()}`, { replace: true });
  });
  const { status, expired } = useSession();
  // `loading`: the session is being restored; `unauthenticated`: on the way to /login.
  if (status !== 'authenticated') return null;
  return (
    <>
      {expired && <p role="status">Signed in, reconnecting…</p>}
      {children}
    </>
  );
}
