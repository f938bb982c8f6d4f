// tokenward/oidc: OpenID Connect for createSession's `flow` option. Only an app that imports
// this entry pays for it (and for oauth4webapi); `tokenward` alone never pulls it in.
import type { FlowFactory } from '../contract/flow.js';
import { createOidcFlow, type CallbackOutcome } from './flow.js';
import { issuerUrl, type OidcLoginOptions, type OidcOptions } from './options.js';

export type { OidcLoginOptions, OidcOptions } from './options.js';

/** What `oidc()` returns: the `flow` for createSession, and what a completed sign-in left for the app. */
export interface OidcFlow extends FlowFactory<OidcLoginOptions | void> {
  /**
   * After `session.ready` on the redirect URI: where the app was (or asked to go, `login({ returnTo })`)
   * when the sign-in started. Null when this page load completed no sign-in.
   */
  readonly returnTo: string | null;
}

/**
 * An OpenID Connect flow (authorization code with PKCE, public client) for `createSession({ flow })`.
 * Throws at once for an issuer that is not https (http is accepted on a loopback host only).
 */
export function oidc(options: OidcOptions): OidcFlow {
  issuerUrl(options.issuer);
  const outcome: CallbackOutcome = { returnTo: null };
  return {
    createFlow: (context) => createOidcFlow(options, context, outcome),
    get returnTo() {
      return outcome.returnTo;
    },
  };
}
