import type { TokenSet } from '../tokens.js';
import type { DpopBinding, DpopKey } from './dpop.js';
import type { StorageKind } from './storage.js';

/**
 * How a session gets, renews and gives up its tokens: the first-party contract
 * (src/flows/first-party.ts, the default) or OpenID Connect (`tokenward/oidc`). The session engine
 * keeps everything else to itself (generations, single flight, the cross-tab lock with its
 * vault re-read, the commit guard, purge), so every flow gets them for free: a flow only talks
 * to its server and turns answers into TokenSets, failures into classified TokenwardErrors.
 *
 * With DPoP, `key` is the key pair the tokens are (to be) bound to: the flow signs its calls
 * to the token endpoints with it (`context.dpop.fetchWith(key)`). Without DPoP it is null.
 */
export interface Flow<Login> {
  /**
   * Signs in with what `session.login()` was given, binding the tokens to `key` (new for every
   * login). Resolves the tokens to start the session with, or null when sign-in goes on
   * elsewhere (a navigation to an identity provider).
   */
  login(input: Login, signal: AbortSignal, key: DpopKey | null): Promise<TokenSet | null>;
  /**
   * Renews `tokens` (the newest: the engine re-read the vault under the cross-tab lock). A
   * `refresh_rejected` TokenwardError ends the session; any other failure is retried.
   */
  refresh(tokens: TokenSet, signal: AbortSignal, key: DpopKey | null): Promise<TokenSet>;
  /**
   * Ends the session at the server once it has ended locally, given the tokens it held (null
   * when none were left). Not abortable: it must outlive the page. A failure is reported, never waited on.
   */
  logout(tokens: TokenSet | null, key: DpopKey | null): Promise<void>;
  /**
   * Called once while the session gets ready: completes a sign-in that came back to this page
   * (a redirect callback). Resolves the tokens and the key they are bound to, or null when this page load is no callback.
   */
  callback?(): Promise<SignIn | null>;
  /** After `logout({ redirect: true })`, once this tab is clean: navigates away to end the session at the provider too. */
  endSession?(tokens: TokenSet): Promise<void>;
}

/** A completed sign-in: the tokens, and the DPoP key they are bound to (null without DPoP). */
export interface SignIn {
  readonly tokens: TokenSet;
  readonly key: DpopKey | null;
}

/** What a flow is made with: the session's own settings. */
export interface FlowContext {
  /** The session's name: the vault database is `<name>-vault`. */
  readonly name: string;
  readonly storage: StorageKind;
  /** Milliseconds before a call counts as timed out. */
  readonly timeout: number;
  /** With `dpop`: signs the flow's calls with a key, and makes and restores keys. */
  readonly dpop: DpopBinding | null;
}

/** What `createSession({ flow })` takes: makes the session's flow once the session's settings are known. */
export interface FlowFactory<Login> {
  createFlow(context: FlowContext): Flow<Login>;
}
