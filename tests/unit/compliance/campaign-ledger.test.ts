import { describe, expect, it } from 'vitest';
import type { AbandonLedger, AbandonLedgerEvent } from '../../../src/domain/compliance/abandon-ledger.ts';
import { campaignLedgerKey, createCampaignLedger, restoreAbandonLedger, type CampaignLedgerSettings } from '../../../src/domain/compliance/campaign-ledger.ts';
import { LEAVING_HORIZON_MS } from '../../../src/domain/pacing/pacing-policy.ts';
import { LedgerHistory } from '../../../src/sim/ledger-history.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 8);
const UK: CampaignLedgerSettings = { abandonWindow: '24h', maxAbandonRate: 0.03, amdFalsePositiveRate: 0.02, amd: { enabled: true } };

/** A shift's worth of ledger events at varied seconds: answers, abandons, AMD-passed humans. */
function shift(): Array<{ event: AbandonLedgerEvent; atMs: number }> {
  const out: Array<{ event: AbandonLedgerEvent; atMs: number }> = [];
  for (let i = 0; i < 8 * 60; i++) {
    const atMs = T0 + i * MIN + ((i * 7919) % 60) * 1000;
    out.push({ event: 'live_answer', atMs }, { event: 'amd_passed_human', atMs });
    if (i % 9 === 0) out.push({ event: 'abandon', atMs });
  }
  return out;
}

describe('createCampaignLedger', () => {
  it("counts the campaign's AMD false-positive estimate in 24 h mode, and plans for the target", () => {
    const ledger = createCampaignLedger({ ...UK, abandonTarget: 0.02 });
    for (let i = 0; i < 98; i++) ledger.record('live_answer', T0);
    for (let i = 0; i < 98; i++) ledger.record('amd_passed_human', T0);
    const s = ledger.snapshot(T0 + MIN);
    // 98 people passed: 98 x 0.02 / 0.98 = 2 the AMD hung up on, added to both counts.
    expect(s.liveAnswers).toBeCloseTo(100, 9);
    expect(s.abandoned).toBeCloseTo(2, 9);
    expect(s.estimatedAmdFalsePositiveRate).toBe(0.02);
    expect(s.maxAbandonRate).toBe(0.02);
  });

  it('counts no estimate with AMD off, in 30-day mode, or without a rate, and never plans above the cap', () => {
    for (const settings of [{ ...UK, amd: { enabled: false } }, { ...UK, abandonWindow: '30d' as const }, { ...UK, amdFalsePositiveRate: 0 }]) {
      const ledger = createCampaignLedger(settings);
      ledger.record('amd_passed_human', T0);
      expect(ledger.snapshot(T0).abandoned).toBe(0);
      expect(ledger.snapshot(T0).estimatedAmdFalsePositiveRate ?? 0).toBe(0);
    }
    expect(createCampaignLedger({ ...UK, abandonTarget: 0.05 }).maxAbandonRate).toBe(0.03);
    expect(createCampaignLedger({ ...UK, abandonTarget: null }).maxAbandonRate).toBe(0.03);
  });

  it('changes its key when a setting the ledger is built from changes', () => {
    const key = campaignLedgerKey(UK);
    expect(campaignLedgerKey({ ...UK })).toBe(key);
    expect(campaignLedgerKey({ ...UK, amdFalsePositiveRate: 0.01 })).not.toBe(key);
    expect(campaignLedgerKey({ ...UK, abandonTarget: 0.02 })).not.toBe(key);
    expect(campaignLedgerKey({ ...UK, amd: { enabled: false } })).not.toBe(key);
  });
});

describe('restoreAbandonLedger', () => {
  /** The live ledger and one restored at `restartMs` from the history in buckets of `bucketMs`, compared until the shift has left the window. */
  function compare(bucketMs: number): { differences: number; checked: number } {
    const live = createCampaignLedger(UK);
    const history = new LedgerHistory(T0);
    for (const e of shift()) {
      live.record(e.event, e.atMs);
      history.record(e.event, e.atMs);
    }
    const restartMs = T0 + 10 * HOUR;
    const restored: AbandonLedger = createCampaignLedger(UK);
    restoreAbandonLedger(restored, history.since(restartMs - restored.windowMs, restartMs, bucketMs));
    let differences = 0;
    let checked = 0;
    for (let t = restartMs; t <= T0 + DAY + 9 * HOUR; t += 5 * MIN) {
      checked++;
      const a = live.snapshot(t);
      const b = restored.snapshot(t);
      if (Math.abs(a.liveAnswers - b.liveAnswers) > 1e-9 || Math.abs(a.abandoned - b.abandoned) > 1e-9) differences++;
    }
    return { differences, checked };
  }

  it('restores per minute to a ledger equal to the live one at every moment, estimated false positives included', () => {
    const r = compare(MIN);
    expect(r.checked).toBeGreaterThan(100);
    expect(r.differences).toBe(0);
  });

  it('an hourly restore (before issue 13) lets events leave the window up to an hour early', () => {
    expect(compare(HOUR).differences).toBeGreaterThan(0);
  });
});

describe('AbandonLedger leaving', () => {
  it('gives what leaves the window over the next planning period, estimate included', () => {
    const ledger = createCampaignLedger(UK);
    for (let i = 0; i < 60; i++) {
      ledger.record('live_answer', T0 + i * MIN);
      ledger.record('amd_passed_human', T0 + i * MIN);
      if (i % 10 === 0) ledger.record('abandon', T0 + i * MIN);
    }
    // 10 minutes before the first minute leaves: minutes 0 to 20 have left when the 30 minutes are over.
    const now = T0 + DAY - 10 * MIN;
    expect(LEAVING_HORIZON_MS).toBe(30 * MIN);
    const fp = (21 * 0.02) / 0.98;
    const before = ledger.snapshot(now);
    const leaving = before.leaving;
    expect(leaving?.liveAnswers).toBeCloseTo(21 + fp, 9);
    expect(leaving?.abandoned).toBeCloseTo(3 + fp, 9);
    // ...which the ledger then no longer counts.
    expect(ledger.snapshot(now + LEAVING_HORIZON_MS).liveAnswers).toBeCloseTo(before.liveAnswers - (21 + fp), 9);
  });
});
