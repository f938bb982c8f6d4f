// Once per `npm run test:recipes`: pack the package as npm would publish it (prepack builds it)
// and unpack the tarball, for every recipe app to install as `node_modules/tokenward`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findBrowser } from '../browser/harness/global-setup.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** Absolute path of the Chromium executable the tests launch. */
    chromiumPath: string;
    /** The unpacked `npm pack` tarball: what `npm install tokenward` puts in node_modules/tokenward. */
    packageDir: string;
    /** Where the recipe apps are built: inside the repo, so that they resolve the repo's pinned devDependencies. */
    appsDir: string;
  }
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export default function setup(project: TestProject): () => void {
  const chromiumPath = findBrowser('chromium');
  mkdirSync(join(repoRoot, '.test-dist'), { recursive: true });
  const work = mkdtempSync(join(repoRoot, '.test-dist', 'recipes-'));
  // The build first, on its own: npm pack would run it as prepack and mix its output into the JSON.
  execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const packing = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' });
  const [packed] = JSON.parse(packing) as [{ filename: string }];
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
  const appsDir = join(work, 'apps');
  mkdirSync(appsDir);
  project.provide('chromiumPath', chromiumPath);
  project.provide('packageDir', join(work, 'package'));
  project.provide('appsDir', appsDir);
  return () => rmSync(work, { recursive: true, force: true });
}
