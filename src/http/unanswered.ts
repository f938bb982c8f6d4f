// Why a request got no answer, in words that point at the usual cause: the auth calls and
// `session.fetch`/`http` say the same, so one network failure reads the same everywhere.
/** What to check when a request got no answer: the browser hides whether CORS or mixed content blocked it. */
export function unanswered(url: URL): string {
  const page = globalThis.location;
  if (page?.protocol === 'https:' && url.protocol === 'http:') return 'mixed content: an http: URL from an https: page';
  return page && url.origin !== page.origin ? `offline, or CORS: ${url.origin} must allow ${page.origin} with credentials` : 'offline, or the server is down';
}
