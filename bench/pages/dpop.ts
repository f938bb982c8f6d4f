// Section 8's page: session.fetch against the reference server's /api/me with a bearer session
// or a DPoP session (one per page: each browser profile signs in once), and the cost of one proof.
import { dpop } from '../../src/dpop/index.ts';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver } from '../../src/dpop/proof.ts';
import { createSession, type Session } from '../../src/index.ts';
import type { DpopBenchPage } from './api.ts';

let session: Session | null = null;

window.benchDpop = {
  async setup(kind) {
    session = createSession({ storage: 'memory', ...(kind === 'dpop' && { dpop }) });
    await session.login({ username: 'alice', password: 'wonderland' });
    const response = await session.fetch('/api/me');
    if (!response.ok) throw new Error(`${kind}: /api/me answered ${response.status}`);
  },

  async fetchRun(ms) {
    if (!session) throw new Error('not set up');
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now < start + ms) {
      const response = await session.fetch('/api/me');
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`/api/me answered ${response.status}`);
      calls++;
      now = performance.now();
    }
    return { calls, elapsedMs: now - start };
  },

  async proofCosts(batches, size) {
    const prover = await createProver(await generateDpopKey());
    const token = `${'e'.repeat(36)}.${'p'.repeat(200)}.${'s'.repeat(342)}`;
    const url = `${location.origin}/api/me`;
    const costs: number[] = [];
    for (let batch = 0; batch < batches; batch++) {
      const start = performance.now();
      for (let i = 0; i < size; i++) await prover.sign({ method: 'GET', url, accessToken: token });
      costs.push((performance.now() - start) / size);
    }
    return costs;
  },
} satisfies DpopBenchPage;
