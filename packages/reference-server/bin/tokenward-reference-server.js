#!/usr/bin/env node
// `npx tokenward-reference-server`: the bundled command (built from src/cli.ts by `npm run build`).
import '../dist/cli.js';
