// 4. Vault write and read beside plain idb-keyval set and get of the same value.
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import type { VaultRound } from '../pages/api.ts';

const ROUNDS = 9;
const OPS = 40;

export async function measureVault(bench: BrowserBench): Promise<SectionReport> {
  const context = await bench.browser.newContext();
  try {
    const [page] = await openPages(bench, context, '/vault.html', 1);
    if (!(await page!.evaluate(() => window.benchVault.check()))) throw new Error('the vault or idb-keyval did not return the value written');
    const rounds: VaultRound[] = [];
    // Round 0 warms up and is not counted; the order alternates between rounds.
    for (let round = 0; round <= ROUNDS; round++) {
      const result = await page!.evaluate(([ops, plainFirst]) => window.benchVault.round(ops, plainFirst), [OPS, round % 2 === 0] as const);
      if (round > 0) rounds.push(result);
    }
    assertNoPageErrors([page!]);

    const of = (key: keyof VaultRound) => median(rounds.map((round) => round[key]));
    const perSecond = (ms: number) => format.rate(1000 / ms);
    const write = of('vaultWrite') / of('plainWrite');
    const read = of('vaultRead') / of('plainRead');
    return {
      title: '4. Vault write and read beside plain idb-keyval',
      summary: [
        {
          measurement: '4. Vault write / read, ms per call',
          tokenward: `${format.ms(of('vaultWrite'))} / ${format.ms(of('vaultRead'))}`,
          baseline: `${format.ms(of('plainWrite'))} / ${format.ms(of('plainRead'))} (idb-keyval set / get)`,
          ratio: `${format.ratio(write)} / ${format.ratio(read)}`,
          budget: 'none',
          met: null,
          runs: `median of ${ROUNDS} rounds × ${OPS} calls`,
        },
      ],
      tables: [
        {
          headers: ['Operation', 'Vault (encrypted)', 'idb-keyval', 'Ratio'],
          rows: [
            [
              'write: vault.save({ generation, tokens }) vs set(key, tokens)',
              `${format.ms(of('vaultWrite'))} (${perSecond(of('vaultWrite'))})`,
              `${format.ms(of('plainWrite'))} (${perSecond(of('plainWrite'))})`,
              format.ratio(write),
            ],
            [
              'read: vault.load() vs get(key)',
              `${format.ms(of('vaultRead'))} (${perSecond(of('vaultRead'))})`,
              `${format.ms(of('plainRead'))} (${perSecond(of('plainRead'))})`,
              format.ratio(read),
            ],
          ],
        },
      ],
      notes: [
        'The value is the same TokenSet both ways (a JWT-sized access token and its claims). A vault write reads the stored key, seals the session with AES-GCM under a fresh IV and replaces both records ' +
          'in one readwrite transaction that first checks the stored generation; a vault read gets both records in one transaction, decrypts and validates. idb-keyval stores the object as it is (structured clone), in plaintext.',
      ],
    };
  } finally {
    await context.close();
  }
}
