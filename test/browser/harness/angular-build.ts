// The Angular fixture app (test/browser/angular-app), built the way Angular builds an app:
// the Angular compiler (ngc) compiles the components ahead of time and type-checks their
// templates, the Angular linker finishes Angular's own partially compiled packages, and Vite
// bundles the result beside the other fixture pages as angular.html.
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { transformAsync } from '@babel/core';
import linker from '@angular/compiler-cli/linker/babel';
import { build, type Plugin } from 'vite';

/** Angular's npm packages ship partially compiled; the CLI links them at build time, and so does this plugin. */
function angularLinker(): Plugin {
  return {
    name: 'tokenward:angular-linker',
    async transform(code, id) {
      if (!/[\\/]node_modules[\\/]@angular[\\/].+\.m?js$/.test(id) || !code.includes('ɵɵngDeclare')) return null;
      const linked = await transformAsync(code, { filename: id, plugins: [linker], babelrc: false, configFile: false, compact: false, sourceMaps: true });
      return linked?.code ? { code: linked.code, map: linked.map } : null;
    },
  };
}

/**
 * Builds angular.html (and its assets/ng-*.js) into `outDir`: compiles while the other fixture
 * pages bundle, and bundles once `fixtureBuilt` says that build (which empties `outDir`) is done.
 */
export async function buildAngularApp(repoRoot: string, outDir: string, fixtureBuilt: Promise<void>): Promise<void> {
  const appDir = join(repoRoot, 'test/browser/angular-app');
  const compiled = `${outDir}-ngc`;
  // Its `bin` entry, as `npx ngc` would run it: the package exports no path to it.
  const manifest = createRequire(import.meta.url).resolve('@angular/compiler-cli/package.json');
  const ngc = join(dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { ngc: string } }).bin.ngc);
  try {
    // ngc reports template errors on stdout.
    await promisify(execFile)(process.execPath, [ngc, '-p', join(appDir, 'tsconfig.json'), '--outDir', compiled]).catch(
      (error: { stdout?: string; message: string }) => {
        throw new Error(`ngc failed: ${error.stdout || error.message}`);
      },
    );
    await fixtureBuilt;
    const root = join(compiled, 'test/browser/angular-app');
    copyFileSync(join(appDir, 'angular.html'), join(root, 'angular.html'));
    await build({
      configFile: false,
      root,
      base: '/',
      publicDir: false,
      logLevel: 'warn',
      clearScreen: false,
      plugins: [angularLinker()],
      build: {
        outDir,
        emptyOutDir: false,
        minify: false,
        sourcemap: true,
        target: 'es2022',
        rolldownOptions: {
          input: { angular: join(root, 'angular.html') },
          output: { entryFileNames: 'assets/ng-[name].js', chunkFileNames: 'assets/ng-[name].js', assetFileNames: 'assets/ng-[name][extname]' },
        },
      },
    });
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }
}
