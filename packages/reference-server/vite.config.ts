// One Node module, dist/cli.js, holding the reference server (../../demo/server) and its command
// line. Its dependencies stay imports, installed beside it from package.json.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const external = [...Object.keys(pkg.dependencies), ...builtinModules.map((name) => `node:${name}`), ...builtinModules];

export default defineConfig({
  build: {
    ssr: 'src/cli.ts',
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rolldownOptions: {
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { entryFileNames: 'cli.js' },
    },
  },
});
