import { describe, expect, it } from 'vitest';
import { AbandonLedger } from '../../../src/domain/compliance/abandon-ledger.ts';
import type { AbandonBudgetSnapshot, PacingPolicy } from '../../../src/domain/pacing/pacing-policy.ts';
import { createRatioPolicy } from '../../../src/domain/pacing/ratio-policy.ts';
import { loadScenario } from '../../../src/sim/load-scenario.ts';
import { runSimulation } from '../../../src/sim/run-simulation.ts';
import type { CallRecord } from '../../../src/sim/simulation-result.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

describe('AbandonLedger', () => {
  it('counts live answers and abandons inside the 24 h window and forgets older buckets', () => {
    const l = new AbandonLedger({ window: '24h', maxAbandonRate: 0.03 });
    l.record('live_answer', T0);
    l.record('live_answer', T0 + 10 * HOUR);
    l.record('abandon', T0 + 10 * HOUR);
    l.record('amd_hangup_live', T0 + 20 * HOUR);
    expect(l.snapshot(T0 + 23 * HOUR)).toMatchObject({ maxAbandonRate: 0.03, liveAnswers: 3, abandoned: 2 });
    // The first minute bucket leaves the window 24 h later.
    expect(l.snapshot(T0 + DAY + MIN)).toMatchObject({ maxAbandonRate: 0.03, liveAnswers: 2, abandoned: 2 });
    expect(l.snapshot(T0 + DAY + 11 * HOUR)).toMatchObject({ maxAbandonRate: 0.03, liveAnswers: 1, abandoned: 1 });
    expect(l.snapshot(T0 + 5 * DAY)).toMatchObject({ maxAbandonRate: 0.03, liveAnswers: 0, abandoned: 0 });
    // Too old to count once time has moved on.
    l.record('abandon', T0);
    expect(l.snapshot(T0 + 5 * DAY).abandoned).toBe(0);
    expect(l.rate(T0 + 5 * DAY)).toBe(0);
  });

  it('keeps 30 days in hourly buckets', () => {
    const l = new AbandonLedger({ window: '30d', maxAbandonRate: 0.03 });
    for (let d = 0; d < 40; d++) {
      l.record('live_answer', T0 + d * DAY, 100);
      l.record('abandon', T0 + d * DAY, d < 10 ? 10 : 1);
    }
    const s = l.snapshot(T0 + 39 * DAY + HOUR);
    expect(s.liveAnswers).toBe(3000);
    expect(s.abandoned).toBe(30);
    expect(l.bucketMs).toBe(HOUR);
  });

  it('adds estimated AMD false positives in UK mode only: humans passed x fp / (1 - fp)', () => {
    const uk = new AbandonLedger({ window: '24h', maxAbandonRate: 0.03, amdFalsePositiveRate: 0.02 });
    const us = new AbandonLedger({ window: '30d', maxAbandonRate: 0.03, amdFalsePositiveRate: 0.02 });
    for (const l of [uk, us]) {
      l.record('amd_passed_human', T0, 980);
      l.record('live_answer', T0, 980);
      l.record('abandon', T0, 10);
    }
    const est = (980 * 0.02) / 0.98;
    const s = uk.snapshot(T0 + HOUR);
    expect(s.liveAnswers).toBeCloseTo(980 + est, 9);
    expect(s.abandoned).toBeCloseTo(10 + est, 9);
    expect(us.snapshot(T0 + HOUR)).toMatchObject({ maxAbandonRate: 0.03, liveAnswers: 980, abandoned: 10 });
  });

  it('rejects impossible options', () => {
    expect(() => new AbandonLedger({ window: '24h', maxAbandonRate: 2 })).toThrow(RangeError);
    expect(() => new AbandonLedger({ window: '24h', maxAbandonRate: 0.03, amdFalsePositiveRate: 1 })).toThrow(RangeError);
    expect(() => new AbandonLedger({ window: '24h', maxAbandonRate: 0.03, bucketMs: 7 * MIN })).toThrow(RangeError);
  });
});

/** Recounts what the engine could see from the call log, over the ledger's window ending at `nowMs`. */
function recount(log: readonly CallRecord[], nowMs: number, windowMs: number, bucketMs: number, fpFactor: number): { live: number; abandoned: number } {
  const from = Math.floor(nowMs / bucketMs) * bucketMs - windowMs + bucketMs;
  const inWindow = (t: number | undefined) => t !== undefined && t >= from && t <= nowMs;
  let live = 0;
  let abandoned = 0;
  let passed = 0;
  for (const c of log) {
    if (c.amdPassedHuman && inWindow(c.needsAgentAtMs)) passed++;
    if (c.result !== 'human') continue;
    if (c.abandoned) {
      if (inWindow(c.endedAtMs)) {
        live++;
        abandoned++;
      }
    } else if (inWindow(c.connectedAtMs)) live++;
  }
  return { live: live + passed * fpFactor, abandoned: abandoned + passed * fpFactor };
}

describe('the simulator feeds its ledger what the engine sees', () => {
  it("matches a recount from the simulated call log at every sampled decision (UK 24 h mode, AMD errors)", () => {
    const scenario = { ...loadScenario('uk-24h'), amd: { ...loadScenario('amd-errors').amd } };
    const seen: Array<{ nowMs: number; budget: AbandonBudgetSnapshot }> = [];
    let n = 0;
    const factory = (): PacingPolicy => {
      const inner = createRatioPolicy({ name: 'ratio', ratio: 3, maxAbandonRate: 0.03, abandonWindow: '24h' });
      return {
        name: 'ratio',
        observe: (o) => inner.observe(o),
        decide: (s) => {
          if (n++ % 2000 === 0) seen.push({ nowMs: s.nowMs, budget: { ...s.budget } });
          return inner.decide(s);
        },
      };
    };
    const r = runSimulation({ scenario, policy: factory, seed: 5, days: 2, recordCallLog: true });
    const log = r.callLog ?? [];
    expect(r.abandoned).toBeGreaterThan(0);
    expect(log.some((c) => c.truth === 'machine' && c.result === 'human')).toBe(true); // AMD false negatives abandoned
    const fp = scenario.amd.falsePositive;
    const eventTimes = new Set(log.flatMap((c) => [c.needsAgentAtMs, c.connectedAtMs, c.endedAtMs]));
    const checked = seen.filter((p) => !eventTimes.has(p.nowMs));
    expect(checked.length).toBeGreaterThan(20);
    for (const p of checked) {
      const want = recount(log, p.nowMs, DAY, MIN, fp / (1 - fp));
      expect(p.budget.liveAnswers).toBeCloseTo(want.live, 6);
      expect(p.budget.abandoned).toBeCloseTo(want.abandoned, 6);
    }
    const humansSeen = log.filter((c) => c.result === 'human').length;
    expect(r.engineAbandonRate).toBeCloseTo(log.filter((c) => c.abandoned).length / humansSeen, 9);
  });
});
