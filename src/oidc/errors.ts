import { ResponseBodyError } from 'oauth4webapi';
import { bounded } from '../bounded.js';
import { TokenwardError, type TokenwardErrorCode, type TokenwardErrorDetails } from '../errors.js';
import { parseRetryAfter } from '../refresh/backoff.js';

/** A TokenwardError that carries the identity provider's OAuth error (RFC 6749 §4.1.2.1, §5.2) as `oauthError` and `oauthErrorDescription`. */
export function oauthFailure(
  code: TokenwardErrorCode,
  oauthError: string,
  description: string | undefined,
  details: TokenwardErrorDetails = {},
): TokenwardError {
  return new TokenwardError(code, description ? `${oauthError}: ${description}` : oauthError, { ...details, oauthError, oauthErrorDescription: description });
}

/** A call to the provider, named in error messages. */
export type ProviderCall = 'discovery' | 'code exchange' | 'refresh' | 'revocation';

/**
 * Runs `request` with the caller's signal and a timeout: the session's abort, the timeout and a
 * failed connection (the provider down, CORS refused) become typed errors.
 */
export async function send(
  call: ProviderCall,
  timeout: number,
  signal: AbortSignal | undefined,
  request: (signal: AbortSignal) => Promise<Response>,
): Promise<Response> {
  const timer = AbortSignal.timeout(timeout);
  const joined = signal ? AbortSignal.any([signal, timer]) : timer;
  try {
    // Raced against the signal, not only handed to fetch: WebKit (2.50) can collect an
    // AbortSignal.any() signal that only a fetch holds, and that fetch is then never aborted.
    // bounded()'s listener keeps the signal, and the call ends on time either way.
    return await bounded(request(joined), joined, () => new Error(`${call} stopped`));
  } catch (error) {
    if (signal?.aborted) throw new TokenwardError('disposed', `${call} aborted`, { cause: error });
    if (timer.aborted) throw new TokenwardError('timeout', `${call} timed out after ${timeout} ms`, { cause: error });
    throw new TokenwardError('network', `${call} request failed`, { cause: error });
  }
}

/**
 * Reads the provider's answer with oauth4webapi's `process`. 408, 429 and 5xx are transient; an
 * OAuth error body keeps its code, under `rejected(oauthError)`; a response that fails the
 * protocol checks (claims, issuer, shape) is `invalid`.
 */
export async function read<T>(
  call: ProviderCall,
  response: Response,
  process: (response: Response) => Promise<T>,
  rejected: (oauthError: string) => TokenwardErrorCode,
  invalid: TokenwardErrorCode = 'invalid_response',
): Promise<T> {
  const { status } = response;
  const message = `${call} answered ${status}`;
  if (status === 429) throw new TokenwardError('rate_limited', message, { status, retryAfter: parseRetryAfter(response.headers.get('retry-after')) });
  if (status >= 500 || status === 408) throw new TokenwardError('server', message, { status });
  try {
    return await process(response);
  } catch (error) {
    if (error instanceof ResponseBodyError) {
      throw oauthFailure(rejected(error.error), error.error, error.error_description, { status, cause: error });
    }
    throw new TokenwardError(response.ok ? invalid : 'http', `${call}: ${error instanceof Error ? error.message : String(error)}`, { status, cause: error });
  }
}
