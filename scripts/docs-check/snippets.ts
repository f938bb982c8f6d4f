// Every ```ts and ```tsx block of the docs (and the <script lang="ts"> of a ```vue one) is compiled
// with the project's strict compiler options against the package's types (tokenward, and its
// subpaths mapped to src/, as the root tsconfig does). A block that cannot compile on purpose
// (a fragment continuing another one, a shape with "..." in it) is marked ```ts no-check.
//
// A block is its own module, so it must import what it uses: the copy a user makes works. What
// a block leaves to the app (its own render function, the credentials from its form) is declared
// once in `appContext` below. A block whose first line names its file (`// app/providers.tsx`)
// is written there, so that another block of the same page can import it (`./providers`).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { parse, shown, type Page } from './markdown.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const outDir = join(repoRoot, 'node_modules/.cache/docs-snippets');

const appContext = `// What the docs' snippets leave to the app.
import type { LogoutReason, SessionState } from 'tokenward';
declare global {
  function render(state: SessionState): void;
  function showLogin(reason: LogoutReason): void;
  function show(message: string): void;
  function goToLogin(): void;
  const username: string;
  const password: string;
  const body: BodyInit;
  // The Angular recipe's root component and sign-in page.
  class App {}
  class Login {}
}
export {};
`;

// As in every Vite + Vue app (its env.d.ts): a .vue import is a component.
const vueShim = `declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
`;

interface Snippet {
  file: string;
  source: string; // docs/page.md
  line: number; // the md line of the file's first line
}

function extract(pages: Page[]): Snippet[] {
  const snippets: Snippet[] = [];
  for (const page of pages) {
    parse(page.lines).fences.forEach((fence, index) => {
      if (fence.flags.includes('no-check')) return;
      let code = fence.code;
      let line = fence.line;
      let ext: string;
      if (fence.lang === 'ts' || fence.lang === 'typescript') ext = 'ts';
      else if (fence.lang === 'tsx') ext = 'tsx';
      else if (fence.lang === 'vue') {
        const script = /<script\b[^>]*\blang="ts"[^>]*>\n([\s\S]*?)<\/script>/.exec(code);
        if (!script) return;
        line += code.slice(0, script.index).split('\n').length;
        code = script[1]!;
        ext = 'ts';
      } else return;
      const named = /^\/\/ ([\w./-]+\.tsx?)\b/.exec(code);
      const file = join(outDir, shown(page).replace(/\.md$/, ''), named?.[1] ?? `snippet-${index + 1}.${ext}`);
      mkdirSync(dirname(file), { recursive: true });
      // `export {}` keeps each block a module of its own even when it imports nothing.
      writeFileSync(file, `${code}\nexport {};\n`);
      snippets.push({ file, source: shown(page), line });
    });
  }
  return snippets;
}

/** Compiles the docs' snippets; returns the errors, each at its line in the docs. */
export function snippetErrors(pages: Page[]): { count: number; errors: string[] } {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'app-context.d.ts'), appContext);
  writeFileSync(join(outDir, 'vue-shim.d.ts'), vueShim);
  const snippets = extract(pages);

  const configFile = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, repoRoot);
  // A snippet shows one thing: a value it makes and does not use yet is fine.
  const program = ts.createProgram({
    rootNames: [join(outDir, 'app-context.d.ts'), join(outDir, 'vue-shim.d.ts'), ...snippets.map((snippet) => snippet.file)],
    options: { ...options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true },
  });
  const bySnippet = new Map(snippets.map((snippet) => [snippet.file, snippet]));
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    const snippet = diagnostic.file && bySnippet.get(resolve(diagnostic.file.fileName));
    if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const where = snippet ? `${snippet.source}:${snippet.line + line}:${character + 1}` : `${diagnostic.file.fileName}:${line + 1}`;
    return `${where}: TS${diagnostic.code}: ${message}`;
  });
  return { count: snippets.length, errors };
}
