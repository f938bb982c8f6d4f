// The library build as published: each binding is its own small entry that imports its
// framework instead of carrying it, and the core entry never reaches for either.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../../vite.config.js';

const outDir = mkdtempSync(join(tmpdir(), 'tokenward-bundle-'));

beforeAll(async () => {
  // The repo's library build settings (entries, externals), into a temp dir: dist/ is not ours
  // to rewrite mid-run, and the declaration step (a tsc run into dist/) is not what is tested.
  await build({ configFile: false, logLevel: 'silent', build: { ...config.build, outDir, sourcemap: false } });
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** An entry and every chunk it imports, as source text, plus the packages it imports. */
function closure(file: string, seen = new Map<string, string>()): { code: string; packages: Set<string> } {
  const code = readFileSync(join(outDir, file), 'utf8');
  seen.set(file, code);
  const packages = new Set<string>();
  for (const [, specifier] of code.matchAll(/^(?:import|export)\s[^'"]*?["']([^"']+)["'];?$/gm)) {
    if (!specifier) continue;
    if (!specifier.startsWith('./')) packages.add(specifier);
    else if (!seen.has(specifier.slice(2))) for (const name of closure(specifier.slice(2), seen).packages) packages.add(name);
  }
  return { code: [...seen.values()].join('\n'), packages };
}

// Markers of the frameworks' own code: React's internals handle and element symbols, Vue's
// vnode factory, reactivity core and renderer.
const REACT_CODE = [/__CLIENT_INTERNALS_DO_NOT_USE/, /__SECRET_INTERNALS_DO_NOT_USE/, /Symbol\.for\(["']react\./, /function useSyncExternalStore/];
const VUE_CODE = [/function createVNode/, /function shallowRef/, /function createRenderer/, /Symbol\.for\(["']v-/];

describe('built bindings', () => {
  it('tokenward/react imports react and contains none of it, nor the core', () => {
    const { code, packages } = closure('react.js');
    expect([...packages]).toEqual(['react']);
    for (const marker of [...REACT_CODE, ...VUE_CODE]) expect(code).not.toMatch(marker);
    expect(code).not.toMatch(/createSession/);
    expect(code.length).toBeLessThan(6_000);
  });

  it("tokenward/react starts with 'use client', so server components may import the provider", () => {
    expect(readFileSync(join(outDir, 'react.js'), 'utf8')).toMatch(/^["']use client["'];\n/);
    expect(readFileSync(join(outDir, 'vue.js'), 'utf8')).not.toMatch(/use client/);
    expect(readFileSync(join(outDir, 'index.js'), 'utf8')).not.toMatch(/use client/);
  });

  it('tokenward/vue imports vue and contains none of it, nor the core', () => {
    const { code, packages } = closure('vue.js');
    expect([...packages]).toEqual(['vue']);
    for (const marker of [...REACT_CODE, ...VUE_CODE]) expect(code).not.toMatch(marker);
    expect(code).not.toMatch(/createSession/);
    expect(code.length).toBeLessThan(6_000);
  });

  it('tokenward/svelte imports svelte and contains none of it, nor the core', () => {
    const { code, packages } = closure('svelte.js');
    expect([...packages]).toEqual(['svelte']);
    for (const marker of [...REACT_CODE, ...VUE_CODE]) expect(code).not.toMatch(marker);
    expect(code).not.toMatch(/createSession/);
    expect(code.length).toBeLessThan(2_000);
  });

  it('tokenward/angular imports Angular and rxjs and carries none of them; the core comes from the chunks the core entry shares', () => {
    const { code, packages } = closure('angular.js');
    expect([...packages].sort()).toEqual(['@angular/common/http', '@angular/core', '@angular/router', 'broadcast-channel', 'idb-keyval', 'ky', 'rxjs']);
    expect(code).not.toMatch(/function ɵɵdefineInjectable|class HttpClient\b|class Router\b/);
    // The session it creates is the core entry's own, not a copy: one createSession in the whole build.
    const everything = readdirSync(outDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(outDir, file), 'utf8'));
    expect(everything.join('\n').match(/^function createSession\b/gm)).toHaveLength(1);
  });

  it('the core entry imports neither framework nor any binding code', () => {
    const { code, packages } = closure('index.js');
    expect([...packages].sort()).toEqual(['broadcast-channel', 'idb-keyval', 'ky']);
    expect(code).not.toMatch(/SessionProvider|useSyncExternalStore|createTokenwardPlugin|onScopeDispose|provideTokenward|sessionStore/);
  });

  it('tokenward/oidc imports oauth4webapi; the core entry carries none of the OIDC code', () => {
    expect(closure('oidc.js').packages).toContain('oauth4webapi');
    const { code } = closure('index.js');
    expect(code).not.toMatch(/oauth4webapi|code_challenge|end_session_endpoint|createOidcFlow|oidc-login/);
  });
});
