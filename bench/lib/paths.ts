import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const repoRoot = resolve(benchDir, '..');
