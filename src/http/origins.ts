/**
 * Decides which origins may receive credentials: the bearer token, cookies of a
 * cross-origin API (credentials: 'include') and the CSRF header. Everything else gets the
 * request exactly as the app wrote it. Takes the resolved options (`baseUrl` absolute or undefined).
 */
export function createOriginPolicy({
  baseUrl,
  trustedOrigins,
}: {
  readonly baseUrl: string | undefined;
  readonly trustedOrigins: readonly string[];
}): (url: string) => boolean {
  const trusted = new Set([...trustedOrigins, baseUrl ?? []].flat().map((origin) => new URL(origin).origin));
  return (url) => {
    try {
      return trusted.has(new URL(url).origin);
    } catch {
      return false;
    }
  };
}
