// A human label for the device list ("Firefox on Windows"), from the User-Agent at sign-in.
// Only a hint for the user: never used to decide anything.
const BROWSERS: readonly [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/^node|undici/i, 'Node.js'],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

const find = (table: readonly [RegExp, string][], ua: string): string | undefined => table.find(([pattern]) => pattern.test(ua))?.[1];

export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = find(BROWSERS, ua) ?? 'Unknown browser';
  const system = find(SYSTEMS, ua);
  return system ? `${browser} on ${system}` : browser;
}
