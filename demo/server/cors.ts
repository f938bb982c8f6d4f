// CORS for an app served from another origin than the API (issue 13): credentials are
// allowed for the listed origins only, never with a wildcard. The preflight is answered
// here; what the SDK must read from a response is exposed: the CSRF token (a page on
// another site cannot read this server's cookies), Retry-After (429 backoff), and for DPoP the
// nonce, the challenge and Date (which also corrects a JWT `exp` for a wrong client clock).
// The `DPoP` proof header is allowed in requests.
import type { NextFunction, Request, Response } from 'express';
import { CSRF_HEADER } from './csrf.ts';
import { DPOP_EXPOSED_HEADERS } from './dpop.ts';

const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'DPoP', CSRF_HEADER].join(', ');
const EXPOSED_HEADERS = [CSRF_HEADER, 'Retry-After', DPOP_EXPOSED_HEADERS].join(', ');

export function corsAllowList(origins: readonly string[]) {
  // Compared as origins: 'https://app.example/' in the option still means https://app.example.
  const allowed = new Set(origins.map((origin) => new URL(origin).origin));
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin'); // the answer differs per origin: caches must keep them apart
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) return next();
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Expose-Headers': EXPOSED_HEADERS });
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    res.set({
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    });
    res.status(204).end();
  };
}
