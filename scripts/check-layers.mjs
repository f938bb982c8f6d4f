// The one-way architecture, checked (see ARCHITECTURE.md): no import cycle in src/ or
// demo/server/ (type imports included), no import up the layers of src/, no file in src/ over
// 350 lines. Runs in `npm test`; `npm run check:layers` alone takes a second or two.
import { readFileSync } from 'node:fs';
import madge from 'madge';

/** The layers of src/, top first; a module may import its own layer and the layers below it. First match wins. */
const LAYERS = [
  ['bindings', /^src\/(react|vue|bindings)\//],
  ['entry', /^src\/(index|oidc\/index|dpop\/index)\.ts$/],
  ['engine', /^src\/(session|options)\.ts$/],
  ['parts', /^src\/(flows|sync|logout|oidc|dpop)\//],
  ['http/storage/refresh', /^src\/(http\/|storage\/|refresh\/|bounded\.ts$)/],
  ['contract', /^src\/(contract\/|tokens\.ts$|errors\.ts$|events\.ts$|state\.ts$)/],
];
const MAX_LINES = 350;

function layerOf(file) {
  const index = LAYERS.findIndex(([, pattern]) => pattern.test(file));
  if (index < 0) throw new Error(`${file}: in no layer; add it to LAYERS in scripts/check-layers.mjs and to ARCHITECTURE.md`);
  return index;
}

const result = await madge(['src', 'demo/server'], { fileExtensions: ['ts', 'tsx'] });
const problems = [];
for (const cycle of result.circular()) problems.push(`cycle: ${cycle.join(' > ')}`);
for (const [file, imports] of Object.entries(result.obj())) {
  if (!file.startsWith('src/')) continue;
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  if (lines > MAX_LINES) problems.push(`too long: ${file} has ${lines} lines (at most ${MAX_LINES})`);
  const layer = layerOf(file);
  for (const imported of imports) {
    if (!imported.startsWith('src/')) continue;
    const below = layerOf(imported);
    if (below < layer) problems.push(`upward import: ${file} (${LAYERS[layer][0]}) imports ${imported} (${LAYERS[below][0]})`);
  }
}
if (problems.length) {
  console.error(`check-layers: ${problems.length} problem(s)\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  process.exit(1);
}
console.log(`check-layers: ${Object.keys(result.obj()).length} files, no cycle, no upward import, none over ${MAX_LINES} lines`);
