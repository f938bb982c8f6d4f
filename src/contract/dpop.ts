/** What one proof states about the request it goes with. */
export interface ProofRequest {
  /** As sent: fetch upper-cases only the standard methods, and `htm` must match the wire. */
  readonly method: string;
  /** The request URL; only scheme, host, port and path go into the proof. */
  readonly url: string;
  /** The access token the request carries (resource requests): its hash becomes `ath`. */
  readonly accessToken?: string | null;
  /** The latest nonce the server handed out, if it uses nonces. */
  readonly nonce?: string | null;
  /** Server clock minus this machine's clock, in ms: `iat` is on the server's clock. */
  readonly clockOffset?: number;
}

/** Signs DPoP proofs (RFC 9449) with one key pair. */
export interface Prover {
  /** The JWK SHA-256 thumbprint of the public key (RFC 7638): what a bound token's `cnf.jkt` names. */
  readonly thumbprint: string;
  /** A compact JWS for the `DPoP` header, with a fresh `jti`. */
  sign(request: ProofRequest): Promise<string>;
}

/** A key pair with its signer: what a session's tokens are bound to. */
export interface DpopKey {
  /** Stored in the vault beside the tokens, so every tab signs with the same key. */
  readonly pair: CryptoKeyPair;
  readonly prover: Prover;
}

/**
 * The session's DPoP side. The session holds the key its tokens are bound to and hands it to
 * every call; the binding keeps what the servers told it (nonces per origin, the clock offset).
 */
export interface DpopBinding {
  /** A new key pair: every login gets a key of its own. */
  create(): Promise<DpopKey>;
  /** The key read back from the vault, or null when it is no usable DPoP key or not the key whose thumbprint the tokens name. */
  load(stored: unknown, thumbprint: string): Promise<DpopKey | null>;
  /**
   * Sends a request with a proof by `key`, and `Authorization: DPoP <token>` when a token is
   * given; a nonce challenge, or a refusal that showed our clock to be off, gets one retry.
   */
  send(request: Request, accessToken: string | null, key: DpopKey): Promise<Response>;
  /** `send` without a token, as a fetch: for the calls to the token endpoints (login, refresh, revocation). */
  fetchWith(key: DpopKey): typeof fetch;
}

/** What `createSession({ dpop })` takes. */
export interface DpopSupport {
  createBinding(): DpopBinding;
}
