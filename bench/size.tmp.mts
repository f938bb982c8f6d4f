import { build } from 'vite';
import { gzipSync } from 'node:zlib';
const root = process.argv[2];
const r: any = await build({ configFile: false, root: root + '/bench/apps', logLevel: 'silent', publicDir: false, build: { write: false, minify: true, rolldownOptions: { input: root + '/bench/apps/tokenward.ts' } } });
const out = (Array.isArray(r) ? r : [r]).flatMap((o: any) => o.output).filter((f: any) => f.fileName.endsWith('.js'));
console.log(out.reduce((a: number, f: any) => a + gzipSync(Buffer.from(f.code), { level: 9 }).length, 0));
