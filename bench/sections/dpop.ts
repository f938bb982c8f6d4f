// 10. DPoP: session.fetch against the reference server with and without DPoP in the same page
// and run, the cost of one proof, and what DPoP adds to an app's bundle.
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { installedVersion } from '../lib/environment.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';
import type { FetchKind } from '../pages/api.ts';
import { bundle } from './bundle.ts';

const WINDOW_MS = 1000;
const ROUNDS = 7;
const PROOF_BATCHES = 200;
const PROOF_BATCH = 20;
const KINDS: readonly FetchKind[] = ['bearer', 'dpop'];

async function measureFetch(bench: BrowserBench): Promise<{ rates: Record<FetchKind, number[]>; proofs: number[] }> {
  // Long-lived tokens: this section measures requests, not refreshes.
  bench.server.control.setAccessTokenTtl(3600);
  // One browser profile per kind: a second sign-in in the same profile would end the first.
  const contexts = await Promise.all([bench.browser.newContext(), bench.browser.newContext()]);
  try {
    const pages = {
      bearer: (await openPages(bench, contexts[0], '/dpop.html', 1))[0]!,
      dpop: (await openPages(bench, contexts[1], '/dpop.html', 1))[0]!,
    };
    for (const kind of KINDS) await pages[kind].evaluate((k) => window.benchDpop.setup(k), kind);
    const rates: Record<FetchKind, number[]> = { bearer: [], dpop: [] };
    // Round 0 warms up and is not counted; the order alternates between rounds.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const kind of round % 2 ? [...KINDS].reverse() : KINDS) {
        const run = await pages[kind].evaluate((ms) => window.benchDpop.fetchRun(ms), WINDOW_MS);
        if (round > 0) rates[kind].push((run.calls / run.elapsedMs) * 1000);
      }
    }
    const proofs = await pages.dpop.evaluate(([batches, size]) => window.benchDpop.proofCosts(batches, size), [PROOF_BATCHES, PROOF_BATCH] as const);
    assertNoPageErrors(Object.values(pages));
    return { rates, proofs };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
    bench.server.control.reset();
  }
}

export async function measureDpop(bench: BrowserBench): Promise<SectionReport> {
  const { rates, proofs } = await measureFetch(bench);
  const [core, withDpop, auth0, auth0Dpop] = await Promise.all(['tokenward.ts', 'tokenward-dpop.ts', 'auth0-spa-js.ts', 'auth0-spa-js-dpop.ts'].map(bundle));
  const bearer = median(rates.bearer);
  const bound = median(rates.dpop);
  const dpopGzip = withDpop!.gzip - core!.gzip;
  const p50 = percentile(proofs, 50);
  const p99 = percentile(proofs, 99);
  const auth0Version = installedVersion('@auth0/auth0-spa-js');
  return {
    title: '10. DPoP (RFC 9449): requests, proofs, bundle',
    summary: [
      {
        measurement: '10. session.fetch to a local API, calls/s, with DPoP',
        tokenward: format.rate(bound),
        baseline: `${format.rate(bearer)} (the same session.fetch, bearer token)`,
        ratio: format.ratio(bound / bearer),
        budget: 'none',
        met: null,
        runs: `median of ${ROUNDS} × ${WINDOW_MS} ms windows each`,
      },
      {
        measurement: '10. One DPoP proof (ES256 signature, ath cached), p50 / p99',
        tokenward: `${format.ms(p50)} / ${format.ms(p99)}`,
        baseline: '–',
        ratio: '–',
        budget: 'none',
        met: null,
        runs: `${PROOF_BATCHES} batches × ${PROOF_BATCH} proofs`,
      },
      {
        measurement: '10. DPoP in the app bundle, gzip',
        tokenward: `+${format.bytes(dpopGzip)} (core app with \`dpop\` ${format.kib(withDpop!.gzip)})`,
        baseline: `auth0-spa-js ${auth0Version} with useDpop ${format.kib(auth0Dpop!.gzip)}`,
        ratio: format.ratio(withDpop!.gzip / auth0Dpop!.gzip),
        budget: 'none; the core app without `dpop` must not grow',
        met: null,
        runs: '1 build (deterministic)',
      },
    ],
    tables: [
      {
        headers: ['session.fetch("/api/me")', 'Calls/s (median)', 'Min – max'],
        rows: KINDS.map((kind) => [
          kind === 'dpop' ? 'DPoP: Authorization: DPoP + a proof per request' : 'bearer token',
          format.rate(median(rates[kind])),
          `${format.rate(Math.min(...rates[kind]))} – ${format.rate(Math.max(...rates[kind]))}`,
        ]),
      },
      {
        headers: ['App', 'Gzip', 'Gzip (KiB)'],
        rows: [
          ['tokenward core quickstart', format.bytes(core!.gzip), format.kib(core!.gzip)],
          ['the same with `dpop` (tokenward/dpop)', format.bytes(withDpop!.gzip), format.kib(withDpop!.gzip)],
          [`@auth0/auth0-spa-js ${auth0Version} quickstart`, format.bytes(auth0!.gzip), format.kib(auth0!.gzip)],
          [`@auth0/auth0-spa-js ${auth0Version} with useDpop and its fetcher`, format.bytes(auth0Dpop!.gzip), format.kib(auth0Dpop!.gzip)],
        ],
      },
    ],
    notes: [
      `Requests: a bearer session and a DPoP session, each in a page of its own browser profile, signed in to the reference server (tokens valid for an hour, so no refresh falls in a window), sequential awaited \`session.fetch('/api/me')\` with the body read, ` +
        `${ROUNDS} rounds after a warm-up, the order alternating. The server verifies each proof (jose: signature, htm/htu, iat, jti replay cache, ath, cnf.jkt), so the DPoP figure includes the server's side too.`,
      `Proofs: the SDK's own signer (src/dpop/proof.ts): per proof one WebCrypto ECDSA P-256 signature, a random UUID and two small base64url encodings; the header with the public JWK is encoded once per key and \`ath\` once per access token. ` +
        `Chromium's timer is coarse (100 µs without cross-origin isolation), so each figure is the mean of a batch of ${PROOF_BATCH} sequential proofs; p50/p99 are over ${PROOF_BATCHES} batches.`,
      'Bundle: built like section 1 (Vite production build, gzip -9 of every emitted file). auth0-spa-js ships as one pre-built ESM file whose DPoP code (with the `dpop` package) is in every build, used or not; its own quickstart without DPoP is shown for reference.',
    ],
  };
}
