import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplianceApp, seedCampaignCalls, type ComplianceApp, type SeedCall, type Seeded } from './support/compliance-app.ts';
import { countAbandonment, type AbandonmentInput } from '../../src/domain/compliance/abandonment-report.ts';

const NOW = Date.parse('2026-04-30T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: ComplianceApp;
let s: Seeded;

/** A varied, deterministic mix: connected in time, late connects, runtime abandons, machines, no answers. */
function mix(): SeedCall[] {
  const calls: SeedCall[] = [];
  for (let i = 0; i < 240; i += 1) {
    const at = NOW - 40 * DAY + i * 4 * HOUR;
    const k = i % 8;
    if (k === 0) calls.push({ originatedAtMs: at, outcome: 'human', amdResult: 'human', answeredAfterMs: 4000, greetingEndedAfterMs: 5000, abandoned: true, messagePlayed: i % 16 === 0 });
    else if (k === 1) calls.push({ originatedAtMs: at, outcome: 'human', amdResult: 'human', answeredAfterMs: 4000, greetingEndedAfterMs: 5000, agentConnectedAfterMs: 8000, agent: true });
    else if (k === 2 || k === 3) calls.push({ originatedAtMs: at, outcome: 'machine', amdResult: 'machine', answeredAfterMs: 4000 });
    else if (k === 4) calls.push({ originatedAtMs: at, outcome: 'no_answer' });
    else calls.push({ originatedAtMs: at, outcome: 'human', amdResult: 'human', answeredAfterMs: 4000, greetingEndedAfterMs: 5000, agentConnectedAfterMs: 6000, endedAfterMs: 66_000, agent: true, disposition: k === 5 ? 'sale' : 'callback' });
  }
  return calls;
}

beforeAll(async () => {
  t = await createComplianceApp(NOW);
  s = await seedCampaignCalls(t.database, mix(), NOW - 60 * DAY);
});
afterAll(async () => t.close());

const exported = async (from: string, to: string): Promise<AbandonmentInput[]> => {
  const res = await t.get(`/v1/call-records?campaignId=${s.campaignId}&from=${from}&to=${to}`, { accept: 'application/x-ndjson' });
  expect(res.statusCode).toBe(200);
  return res.body.trimEnd().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AbandonmentInput);
};

describe('GET /v1/reports/abandonment', () => {
  it.each(['30d', '24h'])('window=%s equals a recomputation from the exported records', async (window) => {
    const res = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&window=${window}`);
    expect(res.statusCode).toBe(200);
    const report = JSON.parse(res.body) as { from: string; to: string; liveAnswers: number; abandoned: number; rate: number; messagePlayedShare: number; window: string };
    expect(report.window).toBe(window);
    const counts = countAbandonment(await exported(report.from, report.to));
    expect(report.liveAnswers).toBe(counts.liveAnswers);
    expect(report.abandoned).toBe(counts.abandoned);
    expect(report.liveAnswers).toBeGreaterThan(0);
    expect(report.rate).toBeCloseTo(counts.abandoned / counts.liveAnswers, 12);
    expect(report.messagePlayedShare).toBeCloseTo(counts.abandoned === 0 ? 0 : counts.abandonedWithMessage / counts.abandoned, 12);
  });

  it('counts late agent connects (over 2 s after the greeting) as abandoned', async () => {
    const res = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&from=${new Date(NOW - 40 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`);
    const report = JSON.parse(res.body) as { liveAnswers: number; abandoned: number; window: string; messagePlayedShare: number };
    expect(report.messagePlayedShare).toBeCloseTo(15 / 60, 12);
    // 240 calls: 5 of every 8 are live answers, 2 of every 8 abandoned (runtime drop + late connect).
    expect(report).toMatchObject({ window: 'range', liveAnswers: 150, abandoned: 60 });
  });

  it('adds the AMD false-positive estimate to the UK figure (AMD-passed humans x rate / (1 - rate), as the ledger counts them)', async () => {
    const res = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&from=${new Date(NOW - 40 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}&amdFalsePositiveRate=0.1`);
    const report = JSON.parse(res.body) as { uk: { amdMachineDetections: number; amdPassedHumans: number; amdFalsePositiveSource: string; estimatedAmdFalsePositives: number; rate: number } };
    expect(report.uk.amdMachineDetections).toBe(60);
    // Every live answer of the mix was passed by the AMD as human.
    expect(report.uk.amdPassedHumans).toBe(150);
    expect(report.uk.amdFalsePositiveSource).toBe('request');
    const estimated = (150 * 0.1) / 0.9;
    expect(report.uk.estimatedAmdFalsePositives).toBeCloseTo(estimated, 9);
    expect(report.uk.rate).toBeCloseTo((60 + estimated) / (150 + estimated), 12);
  });

  it("uses the campaign's own amdFalsePositiveRate and shows its source", async () => {
    const url = `/v1/reports/abandonment?campaignId=${s.campaignId}&from=${new Date(NOW - 40 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`;
    const before = JSON.parse((await t.get(url)).body) as { uk: { amdFalsePositiveRate: number; amdFalsePositiveSource: string; estimatedAmdFalsePositives: number } };
    expect(before.uk).toMatchObject({ amdFalsePositiveRate: 0, amdFalsePositiveSource: 'configured', estimatedAmdFalsePositives: 0 });
    await t.database.db.updateTable('campaigns').set({ amd_false_positive_rate: 0.02, amd_false_positive_source: 'measured' }).where('id', '=', s.campaignId).execute();
    try {
      const after = JSON.parse((await t.get(url)).body) as { uk: { amdFalsePositiveRate: number; amdFalsePositiveSource: string; estimatedAmdFalsePositives: number } };
      expect(after.uk.amdFalsePositiveRate).toBeCloseTo(0.02, 12);
      expect(after.uk.amdFalsePositiveSource).toBe('measured');
      expect(after.uk.estimatedAmdFalsePositives).toBeCloseTo((150 * 0.02) / 0.98, 9);
    } finally {
      await t.database.db.updateTable('campaigns').set({ amd_false_positive_rate: 0, amd_false_positive_source: 'configured' }).where('id', '=', s.campaignId).execute();
    }
  });

  it('rejects bad windows, unknown campaigns and roles without access, naming the field', async () => {
    const field = (body: string): string | undefined => (JSON.parse(body) as { error: { issues?: { field: string }[] } }).error.issues?.[0]?.field;
    const badWindow = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&window=7d`);
    expect(badWindow.statusCode).toBe(400);
    expect(field(badWindow.body)).toBe('window');
    const missing = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}`);
    expect(missing.statusCode).toBe(400);
    expect(field(missing.body)).toBe('window');
    const reversed = await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&from=2026-04-02&to=2026-04-01`);
    expect(reversed.statusCode).toBe(400);
    expect(field(reversed.body)).toBe('to');
    const unknown = await t.get('/v1/reports/abandonment?campaignId=00000000-0000-4000-8000-000000000000&window=30d');
    expect(unknown.statusCode).toBe(404);
    expect(field(unknown.body)).toBe('campaignId');
    const notUuid = await t.get('/v1/reports/abandonment?campaignId=abc&window=30d');
    expect(notUuid.statusCode).toBe(400);
    expect(notUuid.body).toContain('campaignId');
    expect((await t.get(`/v1/reports/abandonment?campaignId=${s.campaignId}&window=30d`, { role: 'agent' })).statusCode).toBe(403);
  });
});

describe('GET /v1/reports/daily and /v1/reports/agents', () => {
  it('summarizes one UTC day of a campaign', async () => {
    const day = new Date(NOW - 40 * DAY).toISOString().slice(0, 10);
    const next = new Date(NOW - 39 * DAY).toISOString().slice(0, 10);
    const res = await t.get(`/v1/reports/daily?campaignId=${s.campaignId}&from=${day}&to=${next}`, { role: 'manager' });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as { days: { day: string; dials: number; contacts: number; liveAnswers: number; abandoned: number; amd: { machine: number }; talkSec: number }[] };
    // Calls every 4 h from 12:00 UTC: 12:00, 16:00, 20:00 are on the first day (i = 0, 1, 2).
    expect(body.days).toEqual([{ day, dials: 3, contacts: 3, liveAnswers: 2, abandoned: 2, amd: { human: 2, machine: 1, unknown: 0 }, talkSec: 22, agentsOnCalls: 1 }]);
  });

  it('summarizes agents with talk time and dispositions', async () => {
    const res = await t.get(`/v1/reports/agents?campaignId=${s.campaignId}&from=${new Date(NOW - 40 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as { agents: { agentId: string; calls: number; dispositions: Record<string, number>; talkSec: number }[] };
    expect(body.agents).toHaveLength(1);
    expect(body.agents[0]).toMatchObject({ agentId: s.agentId, calls: 120, dispositions: { sale: 30, callback: 60 } });
    expect(body.agents[0]?.talkSec).toBe(30 * 22 + 90 * 60);
  });
});

describe('not_dialed records in reports', () => {
  it('a dial stopped by the re-check before originate counts as no dial in the daily summary, and is filterable', async () => {
    const base = NOW - 10 * DAY;
    const seeded = await seedCampaignCalls(t.database, [
      { originatedAtMs: base, outcome: 'no_answer' },
      { originatedAtMs: base + 60_000, outcome: 'not_dialed' },
      { originatedAtMs: base + 120_000, outcome: 'not_dialed' },
    ]);
    const day = new Date(base).toISOString().slice(0, 10);
    const next = new Date(base + DAY).toISOString().slice(0, 10);
    const res = await t.get(`/v1/reports/daily?campaignId=${seeded.campaignId}&from=${day}&to=${next}`, { role: 'manager' });
    expect(res.statusCode).toBe(200);
    expect((JSON.parse(res.body) as { days: { dials: number }[] }).days.map((d) => d.dials)).toEqual([1]);
    const records = await t.get(`/v1/call-records?campaignId=${seeded.campaignId}&outcome=not_dialed`, { role: 'compliance' });
    expect(records.statusCode).toBe(200);
  });
});
