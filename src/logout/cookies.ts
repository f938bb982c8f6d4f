import type { PurgeFilter } from '../contract/options.js';
import { readableCookies } from '../http/csrf.js';
import { removeSelected } from './filter.js';

/** Names of the cookies page script can read here ('' for a nameless cookie), without duplicates. */
function readableCookieNames(): string[] {
  return [...new Set(readableCookies().map(([name]) => name))];
}

/**
 * Every Path a cookie readable at `pathname` can have: each prefix ending at a '/' boundary,
 * with and without the trailing slash (two different cookies), and the path itself.
 */
export function pathVariants(pathname: string): string[] {
  const paths = new Set(['/']);
  for (let i = pathname.indexOf('/', 1); i > 0; i = pathname.indexOf('/', i + 1)) {
    paths.add(pathname.slice(0, i));
    paths.add(pathname.slice(0, i + 1));
  }
  paths.add(pathname);
  // A ';' would end the Path attribute early: no cookie with such a path can be written from here.
  return [...paths].filter((path) => path.startsWith('/') && !path.includes(';'));
}

/**
 * Every Domain a cookie readable on `hostname` can have: none (host-only) and the host itself,
 * then, with `parents`, each parent domain (a leading dot makes no difference since RFC 6265).
 * The bare top-level label is left out: browsers refuse it. An IP address only has host-only cookies.
 */
export function domainVariants(hostname: string, parents = false): Array<string | undefined> {
  const domains: Array<string | undefined> = [undefined];
  // An IPv4 address (or no host at all), or an IPv6 one.
  if (/^[\d.]*$|[:[]/.test(hostname)) return domains;
  const labels = hostname.replace(/\.$/, '').split('.');
  for (let i = 0; i < (parents ? labels.length - 1 : Math.min(1, labels.length - 1)); i++) {
    domains.push(labels.slice(i).join('.'));
  }
  return domains;
}

/** Expires `name` under every Path and Domain (parents only if asked) it may have been set with: JS cannot read those back. */
function expireEverywhere(name: string, parents: boolean): void {
  // An empty name and an empty value make the whole string ignored, so a nameless cookie is
  // overwritten through a value ('x') with no name.
  const pair = name === '' ? 'x' : `${name}=`;
  // Cookie prefixes are only accepted with Secure; __Host- also needs Path=/ and no Domain,
  // which is one of the combinations below (the others are refused, harmlessly).
  const secure = /^__(secure|host)-/i.test(name) ? '; Secure' : '';
  for (const domain of domainVariants(location.hostname, parents)) {
    for (const path of pathVariants(location.pathname)) {
      // Max-Age wins over Expires in every browser since RFC 6265: no Expires date needed.
      document.cookie = `${pair}; Max-Age=0; Path=${path}${domain ? `; Domain=${domain}` : ''}${secure}`;
    }
  }
}

/**
 * Expires the readable cookies that `filter` selects, except `keepNames`. HttpOnly cookies are
 * invisible here: only the server can clear them (its logout endpoint, or Clear-Site-Data).
 * A selected cookie still readable afterwards is reported (a Partitioned cookie, for example,
 * or one set on a parent domain when `parents` is off).
 */
export function expireReadableCookies(filter: true | PurgeFilter, keepNames: readonly string[], report: (error: unknown) => void, parents = false): void {
  const candidates = readableCookieNames().filter((name) => !keepNames.includes(name));
  const expired = new Set<string>();
  removeSelected(
    candidates,
    filter,
    (name) => {
      expireEverywhere(name, parents);
      expired.add(name);
    },
    report,
  );
  const left = readableCookieNames().filter((name) => expired.has(name));
  if (left.length > 0) report(new Error(`still readable after expiring: ${left.join(', ')}`));
}
