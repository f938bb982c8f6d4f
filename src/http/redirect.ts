import { TokenwardError } from '../errors.js';

/**
 * Passes `response` on unless it is a redirect, which becomes a `redirect_refused` error.
 *
 * Credentialed requests go out with `redirect: 'manual'`. Followed, a redirect would carry the
 * CSRF header, the body and (before Chromium 119 / Firefox 111) the bearer token to wherever it
 * points, and hand the app the foreign answer as its API's. The browser hides where a manual
 * redirect points, so none is followed, not even one to a trusted origin.
 */
export function refuseRedirect(response: Response, what: string): Response {
  if (response.type === 'opaqueredirect') throw new TokenwardError('redirect_refused', `${what}: redirect not followed`);
  return response;
}
