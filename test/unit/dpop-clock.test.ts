// Issue 23, finding 5: the DPoP sender's clock offset is kept per origin, learned only from a
// refusal of the proof, and capped at ±24 h. The sender against two real HTTP servers on loopback
// (two origins), each answering as the test tells it, with the `Date` it is told.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver, type Prover } from '../../src/dpop/proof.ts';
import { createDpopSender } from '../../src/dpop/sender.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Origin {
  server: Server;
  url: string;
  /** The `iat` (ms) of each proof received, in order. */
  iats: number[];
  /** What the next requests get: status, error code (400 JSON), and how far ahead of ours the `Date` is. */
  answers: Array<{ status: number; error?: string; ahead: number }>;
}

async function origin(): Promise<Origin> {
  const self: Origin = { server: createServer(), url: '', iats: [], answers: [] };
  self.server.on('request', (req, res) => {
    self.iats.push((decodeJwt(req.headers.dpop as string).iat ?? 0) * 1000);
    const { status, error, ahead } = self.answers.shift() ?? { status: 200, ahead: 0 };
    res.statusCode = status;
    res.setHeader('Date', new Date(Date.now() + ahead).toUTCString());
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(error ? { error } : { ok: true }));
  });
  await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(self.server.address() as AddressInfo).port}/token`;
  return self;
}

let a: Origin;
let b: Origin;
let prover: Prover;

beforeAll(async () => {
  [a, b, prover] = await Promise.all([origin(), origin(), generateDpopKey().then(createProver)]);
});

beforeEach(() => {
  for (const o of [a, b]) {
    o.iats.length = 0;
    o.answers.length = 0;
  }
});

afterAll(() => Promise.all([a, b].map((o) => new Promise<void>((resolve) => o.server.close(() => resolve())))));

/** How far ahead of our clock the proof stated its time (ms; `iat` has whole seconds). */
const aheadOf = (iat: number, sentAt: number): number => iat - sentAt;
const post = (url: string) => new Request(url, { method: 'POST' });

describe('issue 23, finding 5: the DPoP clock offset is per origin, learned only from a refusal, capped at ±24 h', () => {
  it('never learns from an ordinary answer: a 200 dated 30 days ahead moves no proof, to that origin or another', async () => {
    const send = createDpopSender();
    a.answers.push({ status: 200, ahead: 30 * DAY });
    expect((await send(prover, post(a.url))).status).toBe(200);
    const sentAt = Date.now();
    await send(prover, post(b.url));
    await send(prover, post(a.url));
    expect(Math.abs(aheadOf(b.iats[0]!, sentAt))).toBeLessThan(5_000);
    expect(Math.abs(aheadOf(a.iats[1]!, sentAt))).toBeLessThan(5_000);
  });

  it("keeps the offset one origin's refusal taught to that origin: the retry there is 2 h ahead, a proof to another is not", async () => {
    const send = createDpopSender();
    // A's clock is 2 h ahead of ours, in every answer it gives.
    a.answers.push({ status: 400, error: 'invalid_dpop_proof', ahead: 2 * HOUR }, { status: 200, ahead: 2 * HOUR });
    const sentAt = Date.now();
    expect((await send(prover, post(a.url))).status).toBe(200);
    expect(a.iats).toHaveLength(2);
    expect(aheadOf(a.iats[1]!, sentAt)).toBeGreaterThan(2 * HOUR - 5_000);
    expect(aheadOf(a.iats[1]!, sentAt)).toBeLessThan(2 * HOUR + 5_000);
    await send(prover, post(b.url));
    expect(Math.abs(aheadOf(b.iats[0]!, sentAt))).toBeLessThan(5_000);
  });

  it('caps what a refusal teaches at 24 h: a refusal dated 30 days ahead moves the retry by 24 h, no more', async () => {
    const send = createDpopSender();
    a.answers.push({ status: 400, error: 'use_dpop_nonce', ahead: 30 * DAY }, { status: 400, error: 'invalid_dpop_proof', ahead: -30 * DAY });
    const sentAt = Date.now();
    // The nonce challenge came without a new nonce: no retry, but the clock was learned (capped).
    expect((await send(prover, post(a.url))).status).toBe(400);
    await send(prover, post(a.url));
    expect(aheadOf(a.iats[1]!, sentAt)).toBeGreaterThan(DAY - 5_000);
    expect(aheadOf(a.iats[1]!, sentAt)).toBeLessThan(DAY + 5_000);
    // That proof was refused dated 30 days behind: the retry goes 24 h behind, no further.
    expect(a.iats).toHaveLength(3);
    expect(aheadOf(a.iats[2]!, sentAt)).toBeGreaterThan(-DAY - 5_000);
    expect(aheadOf(a.iats[2]!, sentAt)).toBeLessThan(-DAY + 5_000);
  });
});
