// The little of Markdown the docs checks need: the pages, their fenced blocks, their links and
// their headings' anchors as VitePress makes them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const docsRoot = resolve(import.meta.dirname, '../../docs');

/** Folders of docs/ that hold no hand-written page: generated, or VitePress's own. */
const generated = new Set(['reference', '.vitepress', 'node_modules']);

export interface Page {
  /** Path from docs/, e.g. `guide/api.md` (`../README.md` for the root README). */
  path: string;
  lines: string[];
}

/** The docs' pages, and the READMEs outside docs/ that the site includes or links to. */
export function readPages(): Page[] {
  const outside = ['README.md', 'packages/reference-server/README.md'].map((file) => join(docsRoot, '..', file));
  return [...readDir(docsRoot), ...outside.map((file) => ({ path: relative(docsRoot, file), lines: readFileSync(file, 'utf8').split('\n') }))];
}

/** Where a page is, for messages: its path from the repository's root. */
export function shown(page: Page): string {
  return join('docs', page.path);
}

function readDir(dir: string): Page[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return generated.has(entry.name) ? [] : readDir(full);
    if (!entry.name.endsWith('.md')) return [];
    return [{ path: relative(docsRoot, full), lines: readFileSync(full, 'utf8').split('\n') }];
  });
}

export interface Fence {
  /** The info string's first word (`ts`), and the rest (`no-check`). */
  lang: string;
  flags: string[];
  /** 1-based line of the first line of code (the one after the opening fence). */
  line: number;
  code: string;
}

/** Fenced blocks, and every line outside them (for links and headings). */
export function parse(lines: string[]): { fences: Fence[]; prose: { line: number; text: string }[] } {
  const fences: Fence[] = [];
  const prose: { line: number; text: string }[] = [];
  let open: { marker: string; lang: string; flags: string[]; line: number; code: string[] } | null = null;
  lines.forEach((text, index) => {
    const fence = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(text);
    if (open) {
      if (fence && fence[2]!.startsWith(open.marker) && !fence[3]) {
        fences.push({ lang: open.lang, flags: open.flags, line: open.line, code: open.code.join('\n') });
        open = null;
      } else open.code.push(text);
    } else if (fence) {
      open = { marker: fence[2]!, lang: fence[3]!, flags: fence[4]!.split(/\s+/).filter(Boolean), line: index + 2, code: [] };
    } else prose.push({ line: index + 1, text });
  });
  return { fences, prose };
}

/** VitePress's heading slug (@mdit-vue/shared's slugify). */
export function slugify(heading: string): string {
  const slug = heading
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase();
  return slug;
}

/** The anchors of a page: its headings' slugs and `{#id}`s, those of the files it includes too. */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const { prose } = parse(readFileSync(file, 'utf8').split('\n'));
  for (const { text } of prose) {
    const include = /<!--\s*@include:\s*([^{\s]+)/.exec(text);
    if (include) for (const anchor of anchorsOf(resolve(dirname(file), include[1]!))) anchors.add(anchor);
    const heading = /^#{1,6}\s+(.*?)\s*$/.exec(text);
    if (!heading) continue;
    const custom = /\{#([^}]+)\}$/.exec(heading[1]!);
    anchors.add(custom ? custom[1]! : slugify(heading[1]!.replace(/`/g, '')));
  }
  return anchors;
}

/** Where a link points: `/x` from the site's root, anything else from the page's folder. */
export function siteTarget(fromPage: string, target: string): string {
  return target.startsWith('/') ? join(docsRoot, target) : resolve(docsRoot, dirname(fromPage), target);
}

/** The file a site link (`/guide/api`, `../server/contract.md`) names, or null if none exists. */
export function pageFile(fromPage: string, target: string): string | null {
  const base = siteTarget(fromPage, target);
  const bare = base.replace(/\.(md|html)$/, '');
  const candidates = target.endsWith('/') || target === '' ? [join(base, 'index.md')] : [`${bare}.md`, join(bare, 'index.md')];
  // A README outside the site links to any file of the repository (LICENSE, a folder), as GitHub shows it.
  if (fromPage.startsWith('..')) candidates.push(base);
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}
