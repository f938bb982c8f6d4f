// 1. Bundle cost: each app in bench/apps/ built the way an app ships (Vite production build:
// minified, tree-shaken, for the browser), then compressed the way a server would send it.
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { format, type SectionReport, type SummaryRow } from '../lib/report.ts';
import { installedVersion } from '../lib/environment.ts';
import { benchDir } from '../lib/paths.ts';

/** React and Vue are the app's own: left out of both the binding apps and their shells. */
const FRAMEWORKS = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'vue'];
/** Issue 22's budget for the core app (the size test's guard). */
const BUDGET_GZIP = 16.5 * 1024;
/** Issue 22's budget for the OIDC app, against oidc-client-ts's quickstart. */
const OIDC_RATIO = 1.5;

interface Size {
  readonly minified: number;
  readonly gzip: number;
  readonly brotli: number;
  readonly chunks: number;
}

interface Built extends Size {
  /** Rendered (tree-shaken, not yet minified) bytes per package; tokenward's own files as "tokenward src". */
  readonly origins: ReadonlyMap<string, number>;
  /** tokenward's own files in the build, as paths from the repository root (`src/session.ts`). */
  readonly sources: readonly string[];
}

/** Another SDK's quickstart app (bench/apps/<entry>) and the package it is about. */
interface App {
  readonly sdk: string;
  readonly entry: string;
}

const COMPETITORS: readonly App[] = [
  { sdk: 'oidc-client-ts', entry: 'oidc-client-ts.ts' },
  { sdk: '@supabase/auth-js', entry: 'supabase-auth-js.ts' },
  { sdk: 'supertokens-website', entry: 'supertokens-website.ts' },
  { sdk: '@okta/okta-auth-js', entry: 'okta-auth-js.ts' },
  { sdk: '@auth0/auth0-spa-js', entry: 'auth0-spa-js.ts' },
  { sdk: '@azure/msal-browser', entry: 'msal-browser.ts' },
];

/** Every emitted JS file (the entry and any lazily loaded chunk), each compressed on its own as a server would. */
export async function bundle(entry: string): Promise<Built> {
  const result = (await build({
    configFile: false,
    root: join(benchDir, 'apps'),
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      minify: true,
      rolldownOptions: {
        input: join(benchDir, 'apps', entry),
        external: FRAMEWORKS,
      },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((output) => output.output);
  const origins = new Map<string, number>();
  const sources: string[] = [];
  for (const chunk of outputs) {
    if (chunk.type !== 'chunk') continue;
    for (const [id, module] of Object.entries(chunk.modules)) {
      const origin = originOf(id);
      origins.set(origin, (origins.get(origin) ?? 0) + module.renderedLength);
      if (origin === 'tokenward src') sources.push(relative(join(benchDir, '..'), id).replace(/\\/g, '/'));
    }
  }
  const files = outputs.filter((file) => file.fileName.endsWith('.js')).map((file) => Buffer.from(file.type === 'chunk' ? file.code : file.source));
  const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);
  return {
    minified: sum(files.map((file) => file.length)),
    gzip: sum(files.map((file) => gzipSync(file, { level: 9 }).length)),
    brotli: sum(
      files.map(
        (file) =>
          brotliCompressSync(file, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: file.length },
          }).length,
      ),
    ),
    chunks: files.length,
    origins,
    sources,
  };
}

/** The npm package a bundled module comes from, or "tokenward src" / "app glue" for the repo's own files. */
function originOf(id: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id.replace(/\\/g, '/'));
  if (inPackage) return inPackage[1]!;
  return id.includes('/src/') ? 'tokenward src' : 'app glue';
}

/** "tokenward src 40 %, broadcast-channel 29 %, ...": where the rendered bytes of a build come from, largest first. */
function breakdown(origins: ReadonlyMap<string, number>): string {
  const total = [...origins.values()].reduce((a, b) => a + b, 0);
  return [...origins]
    .sort((a, b) => b[1] - a[1])
    .map(([origin, bytes]) => `${origin} ${((100 * bytes) / total).toFixed(0)} %`)
    .join(', ');
}

function minus(a: Size, b: Size): Size {
  return { minified: a.minified - b.minified, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli, chunks: a.chunks };
}

function row(label: string, size: Size): string[] {
  return [label, format.bytes(size.minified), format.bytes(size.gzip), format.kib(size.gzip), format.bytes(size.brotli), String(size.chunks)];
}

/** The core app, and what each binding adds to the same app in its framework: the sizes the budgets are about. */
export async function measureTokenward(): Promise<{ core: Built; react: Size; vue: Size }> {
  return {
    core: await bundle('tokenward.ts'),
    react: minus(await bundle('tokenward-react.ts'), await bundle('react-shell.ts')),
    vue: minus(await bundle('tokenward-vue.ts'), await bundle('vue-shell.ts')),
  };
}

export async function measureBundles(): Promise<SectionReport> {
  const { core, react, vue } = await measureTokenward();
  const oidcApp = await bundle('tokenward-oidc.ts');
  const competitors: Array<[App, Size]> = [];
  for (const app of COMPETITORS) competitors.push([app, await bundle(app.entry)]);
  const leanest = competitors.reduce((best, entry) => (entry[1].gzip < best[1].gzip ? entry : best));
  const gzipOf = (sdk: string) => competitors.find(([app]) => app.sdk === sdk)?.[1].gzip ?? NaN;
  const [auth0, oidcClient] = [gzipOf('@auth0/auth0-spa-js'), gzipOf('oidc-client-ts')];

  const summary: SummaryRow[] = [
    {
      measurement: '1. Core app, gzip (ky, idb-keyval, broadcast-channel included)',
      tokenward: format.kib(core.gzip),
      baseline: `${format.kib(leanest[1].gzip)} (leanest other SDK: ${leanest[0].sdk})`,
      ratio: format.ratio(core.gzip / leanest[1].gzip),
      budget: '≤ 16.5 KiB gzip',
      met: core.gzip <= BUDGET_GZIP,
      runs: '1 build (deterministic)',
    },
    {
      measurement: '1b. OIDC app (core + tokenward/oidc with oauth4webapi), gzip',
      tokenward: format.kib(oidcApp.gzip),
      baseline: `auth0-spa-js ${format.kib(auth0)}, oidc-client-ts ${format.kib(oidcClient)}`,
      ratio: `${format.ratio(oidcApp.gzip / auth0)} / ${format.ratio(oidcApp.gzip / oidcClient)}`,
      budget: `≤ ${OIDC_RATIO}× oidc-client-ts`,
      met: oidcApp.gzip <= OIDC_RATIO * oidcClient,
      runs: '1 build (deterministic)',
    },
  ];
  return {
    title: '1. Bundle cost (Vite production build, minified, tree-shaken; gzip -9, brotli q11)',
    summary,
    tables: [
      {
        headers: ['App', 'Minified', 'Gzip', 'Gzip (KiB)', 'Brotli', 'JS files'],
        rows: [
          row('tokenward core (createSession quickstart, with its dependencies)', core),
          row('+ tokenward/react (binding app − same app without it)', react),
          row('+ tokenward/vue (binding app − same app without it)', vue),
          row('tokenward OIDC app (createSession({ flow: oidc(…) }), redirect sign-in)', oidcApp),
          ...competitors.map(([app, size]) => row(`${app.sdk} ${installedVersion(app.sdk)}`, size)),
        ],
      },
    ],
    notes: [
      "Each app is the same page glue (status text, login, one API call, logout) around the SDK, written the way the SDK's quickstart or README does it, built with Vite " +
        `${installedVersion('vite')} (\`vite build\`, default browser target, \`minify: true\`). Sizes count every emitted JS file, each compressed on its own. ` +
        'For the bindings, react, react-dom and vue are externals in both the binding app and its shell (bench/apps/react-shell.ts, vue-shell.ts), so the extra is the binding plus the few lines that use it.',
      `Where the core app's bytes come from (share of the tree-shaken code before minification): ${breakdown(core.origins)}.`,
      `The OIDC app (bench/apps/tokenward-oidc.ts) does what the oidc-client-ts, auth0-spa-js and okta-auth-js apps do (redirect sign-in, an API call with the token, logout at the provider) plus everything the core does. Its bytes: ${breakdown(oidcApp.origins)}.`,
    ],
  };
}
