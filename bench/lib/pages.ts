// The bench pages (bench/pages/*.html), bundled with Vite's production build as an app would
// ship them (minified, tree-shaken), into a temporary folder that the reference server serves.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { benchDir } from './paths.ts';

export interface BuiltPages {
  readonly dir: string;
  remove(): void;
}

/** Builds every page, or only the pages named in `only` ('soak.html'). */
export async function buildPages(only?: readonly string[]): Promise<BuiltPages> {
  const root = join(benchDir, 'pages');
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-bench-pages-'));
  const pages = readdirSync(root).filter((name) => name.endsWith('.html') && (!only || only.includes(name)));
  try {
    await build({
      configFile: false, // the repo's vite.config.ts is the library build
      root,
      base: '/',
      publicDir: false,
      logLevel: 'warn',
      clearScreen: false,
      build: {
        outDir: dir,
        emptyOutDir: true,
        minify: true,
        rolldownOptions: { input: Object.fromEntries(pages.map((page) => [page.replace(/\.html$/, ''), join(root, page)])) },
      },
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
