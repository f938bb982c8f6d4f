// What the bench pages put on `window` for the Node side to drive with page.evaluate.
import type { Touches } from './lib/probe.ts';

export type HotContenderName =
  | 'bare Promise.resolve(token)'
  | 'tokenward (memory)'
  | 'tokenward (indexeddb)'
  | 'okta-auth-js'
  | 'oidc-client-ts'
  | 'auth0-spa-js'
  | 'supabase auth-js'
  | 'msal-browser';

export type SetupOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface HotRun {
  readonly calls: number;
  readonly elapsedMs: number;
  /** What the calls touched in total (see lib/probe.ts). */
  readonly touches: Touches;
}

export interface HotPathPage {
  /** Signs the contender in with its seeded token and checks that its call answers with that token. */
  setup(name: HotContenderName): Promise<SetupOutcome>;
  /** Sequential awaited calls for about `ms` milliseconds. */
  run(name: HotContenderName, ms: number): Promise<HotRun>;
}

export interface RestorePage {
  /** performance.now() (0 = navigation start) when the page knew whether it is signed in; null until then. */
  settledAt: number | null;
  signedIn: boolean;
  /** Stores a valid session, for the next load to restore. */
  seed(): Promise<void>;
}

/** Mean milliseconds per sequential call, in one round. */
export interface VaultRound {
  readonly vaultWrite: number;
  readonly vaultRead: number;
  readonly plainWrite: number;
  readonly plainRead: number;
}

export interface VaultPage {
  /** Writes the value both ways and reads it back: true when both return it. */
  check(): Promise<boolean>;
  /** `ops` writes then `ops` reads each way; `plainFirst` alternates the order between rounds. */
  round(ops: number, plainFirst: boolean): Promise<VaultRound>;
}

export type TabsContenderName = 'native BroadcastChannel' | 'tokenward' | 'okta-auth-js' | 'supabase auth-js';

/** One tab of the logout bench. Times are wall-clock milliseconds (timeOrigin + now), comparable across tabs. */
export interface TabsPage {
  setup(name: TabsContenderName): Promise<SetupOutcome>;
  /** Forgets the previous round. */
  arm(): void;
  signIn(): Promise<void>;
  /** Resolves true once this tab took in the sign-in (at once for contenders whose other tabs need nothing). */
  whenSignedIn(timeoutMs: number): Promise<boolean>;
  /** Starts the sign-out and returns the time just before the SDK call. */
  signOut(): number;
  whenHeard(timeoutMs: number): Promise<number | null>;
  whenReturned(timeoutMs: number): Promise<number | null>;
  whenSettled(timeoutMs: number): Promise<boolean>;
}

export interface RefreshPage {
  start(): Promise<void>;
  login(): Promise<void>;
  whenSignedIn(timeoutMs: number): Promise<boolean>;
  /**
   * `count` times: waits until the current token's expiry, fires `concurrent` session.fetch('/api/me')
   * at once, and waits for the next token. Resolves with every response status (0 = failed).
   */
  expiries(count: number, concurrent: number): Promise<number[]>;
}

/** One tab of the session-check bench: a session with `sessionCheck`, on one device (browser context). */
export interface SessionCheckPage {
  /** Creates the session with `sessionCheck: sessionCheck({ interval })` (seconds). */
  start(interval: number): Promise<void>;
  login(): Promise<void>;
  whenSignedIn(timeoutMs: number): Promise<boolean>;
  /** Signs out every other device of the user (from this one); returns Date.now() once the server answered. */
  revokeOthers(): Promise<number>;
  /** Date.now() when this tab signed out with reason `revoked` (waiting up to `timeoutMs`), or null. */
  whenRevoked(timeoutMs: number): Promise<number | null>;
}

/** Section 9's page (oidc.html), the redirect URI: creates its OIDC session on load, as an app does. */
export interface OidcPage {
  /** Resolves with ms from navigation start to `ready` and the status then. */
  whenReady(): Promise<{ readyAt: number; status: string; sub: string | null }>;
  login(): void;
  /** Calls the API every `intervalMs` for `runFor` ms; the statuses that were not 200. */
  busy(apiUrl: string, runFor: number, intervalMs: number): Promise<{ ok: number; failed: string[]; status: string }>;
}

export type FetchKind = 'bearer' | 'dpop';

export interface DpopBenchPage {
  /** Signs in a session of this kind (memory storage) and checks that /api/me answers it. */
  setup(kind: FetchKind): Promise<void>;
  /** Sequential awaited session.fetch('/api/me') calls, bodies read, for about `ms` milliseconds. */
  fetchRun(ms: number): Promise<{ calls: number; elapsedMs: number }>;
  /** Mean ms per proof (with `ath`, the token's hash cached) in each of `batches` batches of `size` sequential proofs. */
  proofCosts(batches: number, size: number): Promise<number[]>;
}

/** One tab of the soak (bench/soak.ts); reloaded many times, it starts again each time. */
export interface SoakPage {
  /** Creates the session and starts calling `/api/me` every `callEvery` ms; resolves the status once ready. */
  start(callEvery: number): Promise<string>;
  login(): Promise<void>;
  status(): string;
  /** Stops the API calls. */
  stop(): void;
}
