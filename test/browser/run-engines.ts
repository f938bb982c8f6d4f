// `npm run test:engines`: the whole browser project once per engine (TOKENWARD_ENGINE, see
// harness/engine.ts), one after the other, then one summary line per engine:
//   engine chromium: N passed, M failed, K skipped
// Exits non-zero when any test failed or an engine's run did not finish. WebKitGTK needs an X
// display, so without one its run goes under xvfb-run (Debian's xvfb package).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type EngineName } from './harness/engine.ts';

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

interface Outcome {
  engine: EngineName;
  passed: number;
  failed: number;
  skipped: number;
  /** The run itself failed (crash, setup error) with no or an incomplete report. */
  broken: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'tokenward-engines-'));
// Extra arguments go to every run, e.g. one file: npm run test:engines -- test/browser/smoke.test.ts
const extra = process.argv.slice(2);

function run(engine: EngineName): Outcome {
  const report = join(dir, `${engine}.json`);
  const vitest = ['vitest', 'run', '--project', 'browser', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra];
  const needsDisplay = engine === 'webkit' && !process.env.DISPLAY;
  const [command, args] = needsDisplay ? ['xvfb-run', ['-a', 'npx', ...vitest]] : ['npx', vitest];
  console.log(`\n=== ${engine}: ${[command, ...args].join(' ')}\n`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, TOKENWARD_ENGINE: engine } });
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    const skipped = json.numPendingTests + json.numTodoTests;
    // A failed file (e.g. its beforeAll threw) fails the run without failing a counted test.
    return { engine, passed: json.numPassedTests, failed: json.numFailedTests, skipped, broken: status !== 0 && json.numFailedTests === 0 };
  } catch {
    return { engine, passed: 0, failed: 0, skipped: 0, broken: true };
  }
}

const outcomes = ENGINES.map(run);
rmSync(dir, { recursive: true, force: true });
console.log('');
// Notes first: the output ends with exactly the three summary lines.
for (const { engine } of outcomes.filter((o) => o.broken)) console.log(`(the ${engine} run failed outside the counted tests: see its output above)`);
for (const { engine, passed, failed, skipped } of outcomes) console.log(`engine ${engine}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = outcomes.some((o) => o.failed > 0 || o.broken) ? 1 : 0;
