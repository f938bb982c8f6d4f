// Where and with what a run happened, for the report header.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export function installedVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${manifest.name} ${manifest.version}`;
}

const DEPENDENCIES = ['ky', 'idb-keyval', 'broadcast-channel'];
const TOOLS = ['vite', 'playwright-core', 'react', 'vue'];
export const OTHER_SDKS = ['oidc-client-ts', '@supabase/auth-js', 'supertokens-website', '@okta/okta-auth-js', '@auth0/auth0-spa-js', '@azure/msal-browser'];

export function environmentLines(chromium: string): string[] {
  const versions = (names: string[]) => names.map((name) => `${name} ${installedVersion(name)}`).join(', ');
  return [
    `Date: ${new Date().toISOString()}`,
    `Machine: nproc ${availableParallelism()} (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${type()} ${release()}`,
    `Runtime: Node ${process.versions.node}, Chromium ${chromium} (headless, driven by playwright-core)`,
    `tokenward: ${ownVersion()} with ${versions(DEPENDENCIES)}`,
    `Other SDKs: ${versions(OTHER_SDKS)}`,
    `Tools: ${versions(TOOLS)}`,
  ];
}
