// `npm run docs:check` (part of `npm test`): the docs' links lead somewhere, and the code a user
// would copy from them compiles under strict TypeScript. Quick enough for every test run: no
// site build (`npm run docs:build` does that, and fails on dead links too).
import { deadLinks } from './links.ts';
import { readPages } from './markdown.ts';
import { snippetErrors } from './snippets.ts';

const pages = readPages();
const dead = deadLinks(pages);
const snippets = snippetErrors(pages);

for (const line of [...dead, ...snippets.errors]) console.error(line);
console.log(`docs: ${pages.length} pages, ${dead.length} dead links; ${snippets.count} snippets compiled, ${snippets.errors.length} errors`);
if (dead.length > 0 || snippets.errors.length > 0) process.exitCode = 1;
