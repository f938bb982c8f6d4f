// Why a request got no answer, in words that point at the usual cause: the auth calls and
// `session.fetch`/`http` say the same, so one network failure reads the same everywhere.
/** What to check when a request got no answer: the browser hides whether CORS or mixed content blocked it. */
export function unanswered(url: URL): string {
  const page = globalThis.location;
  if (page?.protocol === 'https:' && url.protocol === 'http:') return 'an http: URL from an https: page is blocked (mixed content)';
  return page && url.origin !== page.origin
    ? `offline, or ${url.origin} does not let ${page.origin} in (CORS: Access-Control-Allow-Origin and -Allow-Credentials)`
    : 'offline, or the server is down';
}
