// The demo page: `vite build --config demo/vite.config.ts` writes demo/dist, which the demo
// server serves at '/'. The page and the examples import the SDK by its package names
// (`tokenward`, `tokenward/react`, `tokenward/vue`, `tokenward/angular`, `tokenward/oidc`, `tokenward/dpop`), as an app would, and the alias below points
// those at the sources (../src), so the demo always shows the code in this checkout (tsconfig.json
// has the same mapping under `paths`). Every .html page in demo/ is built (the framework examples
// live next to index.html) and linked from index.html.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const sources = join(root, '..', 'src');
const pages = readdirSync(root).filter((name) => name.endsWith('.html'));

/** Fills `<!-- example-links -->` in index.html with links to the other pages, if there are any. */
function exampleLinks(): Plugin {
  const others = pages.filter((page) => page !== 'index.html' && page !== 'oidc.html');
  const label = (page: string) => page.charAt(0).toUpperCase() + page.slice(1, -'.html'.length);
  const frameworks = others.length ? `The same session in a framework: ${others.map((page) => `<a href="./${page}">${label(page)}</a>`).join(' · ')}` : '';
  const oidc = pages.includes('oidc.html') ? ' · With an OpenID provider: <a href="./oidc.html">OIDC</a>' : '';
  const nav = frameworks || oidc ? `<nav class="examples">${frameworks}${oidc}</nav>` : '';
  return {
    name: 'tokenward-demo:example-links',
    transformIndexHtml(html, ctx) {
      return ctx.filename.endsWith('index.html') ? html.replace('<!-- example-links -->', nav) : html;
    },
  };
}

/** Replaces `<!-- partial:NAME -->` with demo/partials/NAME.html: markup the pages share, written once. */
function partials(): Plugin {
  return {
    name: 'tokenward-demo:partials',
    transformIndexHtml: (html) =>
      html.replace(/<!-- partial:([\w-]+) -->/g, (_marker, name: string) => readFileSync(join(root, 'partials', `${name}.html`), 'utf8')),
  };
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  clearScreen: false,
  plugins: [partials(), exampleLinks()],
  resolve: {
    alias: [
      { find: /^tokenward$/, replacement: join(sources, 'index.ts') },
      { find: /^tokenward\/(react|vue|angular|oidc|dpop)$/, replacement: join(sources, '$1', 'index.ts') },
    ],
  },
  build: {
    outDir: join(root, 'dist'),
    emptyOutDir: true,
    sourcemap: true, // the page is meant to be read in devtools too
    // The Angular page carries Angular's compiler (JIT, see demo/angular/main.ts): about 1.1 MB.
    chunkSizeWarningLimit: 1200,
    target: 'es2022',
    rolldownOptions: {
      input: Object.fromEntries(pages.map((page) => [page.slice(0, -'.html'.length), join(root, page)])),
    },
  },
});
