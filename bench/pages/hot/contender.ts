/** One SDK, signed in with a seeded unexpired token, ready for its "give me the access token" call. */
export interface HotContender {
  /** The call exactly as an app makes it. */
  call(): Promise<unknown>;
  /** The access token inside what `call` resolved with. */
  tokenOf(result: unknown): unknown;
  /** The seeded token: `call` must answer with it, or the contender is not on its valid-token path. */
  readonly expected: string;
}
