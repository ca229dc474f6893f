import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createComplianceApp, seedCampaignCalls, type ComplianceApp, type Seeded } from './support/compliance-app.ts';
import { CALL_RECORD_FIELDS } from '../../src/adapters/http/routes/call-records.ts';
import { DialDecisionRepository } from '../../src/adapters/db/repositories/dial-decision-repository.ts';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const MIN = 60_000;

let t: ComplianceApp;
let s: Seeded;

beforeAll(async () => {
  t = await createComplianceApp(T0 + 60 * MIN);
  s = await seedCampaignCalls(t.database, [
    { originatedAtMs: T0, outcome: 'human', amdResult: 'human', answeredAfterMs: 5000, greetingEndedAfterMs: 6000, agentConnectedAfterMs: 6500, agent: true, disposition: 'sale', phone: '+12025550111' },
    { originatedAtMs: T0 + MIN, outcome: 'machine', amdResult: 'machine', answeredAfterMs: 4000 },
    { originatedAtMs: T0 + 2 * MIN, outcome: 'no_answer' },
    { originatedAtMs: T0 + 3 * MIN, outcome: 'human', amdResult: 'human', answeredAfterMs: 3000, greetingEndedAfterMs: 4000, abandoned: true, messagePlayed: true },
  ]);
});
afterAll(async () => t.close());

describe('GET /v1/call-records', () => {
  it('streams CSV with every documented column, names and local time', async () => {
    const res = await t.get(`/v1/call-records?campaignId=${s.campaignId}`, { accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CALL_RECORD_FIELDS]);
    expect(rows.map((r) => r.outcome)).toEqual(['human', 'machine', 'no_answer', 'human']);
    const first = rows[0];
    expect(first?.attemptId).toBe(s.attemptIds[0]);
    expect(first?.campaignName).toBe(s.campaignName);
    expect(first?.leadName).toBe('Ada Lovelace0');
    expect(first?.phone).toBe('+12025550111');
    expect(first?.originatedAt).toBe(new Date(T0).toISOString());
    expect(first?.agentConnectedAt).toBe(new Date(T0 + 6500).toISOString());
    expect(first?.localTimeAtDial).toBe('10:00');
    expect(JSON.parse(first?.dncListsChecked ?? 'null')).toEqual([{ id: 'internal', version: '3' }]);
    expect(first?.abandoned).toBe('false');
    expect(rows[3]?.abandoned).toBe('true');
    expect(rows[2]?.answeredAt).toBe('');
  });

  it('streams NDJSON, one typed object per line', async () => {
    const res = await t.get(`/v1/call-records?campaignId=${s.campaignId}`, { accept: 'application/x-ndjson' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual([...CALL_RECORD_FIELDS].sort());
    expect(lines[3]).toMatchObject({ outcome: 'human', abandoned: true, messagePlayed: true, answeredAt: new Date(T0 + 3 * MIN + 3000).toISOString(), agentId: null });
    expect(lines[0]).toMatchObject({ agentId: s.agentId, disposition: 'sale', dncListsChecked: [{ id: 'internal', version: '3' }] });
  });

  it('filters by outcome, agent, phone and time range', async () => {
    const ids = async (query: string): Promise<string[]> => {
      const res = await t.get(`/v1/call-records?campaignId=${s.campaignId}&${query}`, { accept: 'application/x-ndjson' });
      expect(res.statusCode).toBe(200);
      return res.body.trimEnd().split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { attemptId: string }).attemptId);
    };
    expect(await ids('outcome=human')).toEqual([s.attemptIds[0], s.attemptIds[3]]);
    expect(await ids(`agentId=${s.agentId}`)).toEqual([s.attemptIds[0]]);
    expect(await ids(`phone=${encodeURIComponent('+12025550111')}`)).toEqual([s.attemptIds[0]]);
    expect(await ids(`from=${new Date(T0 + MIN).toISOString()}&to=${new Date(T0 + 3 * MIN).toISOString()}`)).toEqual([s.attemptIds[1], s.attemptIds[2]]);
    expect(await ids('outcome=busy')).toEqual([]);
  });

  it('streams many rows across batches in order without loss', async () => {
    const n = 5_500;
    const big = await seedCampaignCalls(t.database, Array.from({ length: n }, (_, i) => ({ originatedAtMs: T0 + Math.floor(i / 3) * 1000, outcome: 'no_answer' as const })));
    const res = await t.get(`/v1/call-records?campaignId=${big.campaignId}`, { accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as { attemptId: string }[];
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.attemptId))).toEqual(new Set(big.attemptIds));
  });

  it('gives compliance and admin access; 403 for manager and agent; 401 without a key', async () => {
    const url = `/v1/call-records?campaignId=${s.campaignId}`;
    expect((await t.get(url, { role: 'admin' })).statusCode).toBe(200);
    expect((await t.get(url, { role: 'manager' })).statusCode).toBe(403);
    expect((await t.get(url, { role: 'agent' })).statusCode).toBe(403);
    expect((await t.get(url, { role: null })).statusCode).toBe(401);
  });

  it('rejects bad input with a 4xx naming the field', async () => {
    const issueField = (body: string): string | undefined => (JSON.parse(body) as { error: { issues?: { field: string }[]; message: string } }).error.issues?.[0]?.field;
    const unknown = await t.get('/v1/call-records?campaignId=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(issueField(unknown.body)).toBe('campaignId');
    const badFrom = await t.get(`/v1/call-records?campaignId=${s.campaignId}&from=yesterday`);
    expect(badFrom.statusCode).toBe(400);
    expect(issueField(badFrom.body)).toBe('from');
    const tooLong = await t.get(`/v1/call-records?campaignId=${s.campaignId}&from=2020-01-01&to=2026-01-01`);
    expect(tooLong.statusCode).toBe(400);
    expect(issueField(tooLong.body)).toBe('to');
    const badOutcome = await t.get(`/v1/call-records?campaignId=${s.campaignId}&outcome=dropped`);
    expect(badOutcome.statusCode).toBe(400);
    expect(badOutcome.body).toContain('outcome');
    const badAccept = await t.get(`/v1/call-records?campaignId=${s.campaignId}`, { accept: 'application/xml' });
    expect(badAccept.statusCode).toBe(400);
    expect(issueField(badAccept.body)).toBe('Accept');
  });
});

describe('GET /v1/dial-decisions', () => {
  it('exports placed and blocked decisions with their chain fields', async () => {
    const trail = new DialDecisionRepository(t.database.db);
    await trail.append(s.campaignId, [
      { campaignId: s.campaignId, decidedAtMs: T0, leadId: s.leadIds[0] ?? null, phone: '+12025550111', attemptId: s.attemptIds[0] ?? null, decision: 'placed', reason: null, inputs: { rule: 'ok' } },
      { campaignId: s.campaignId, decidedAtMs: T0 + 1000, leadId: s.leadIds[1] ?? null, phone: '+12025550112', attemptId: null, decision: 'blocked', reason: 'dnc', inputs: { dnc: [{ id: 'internal', version: '3' }] } },
    ]);
    const all = await t.get(`/v1/dial-decisions?campaignId=${s.campaignId}`, { accept: 'application/x-ndjson' });
    expect(all.statusCode).toBe(200);
    const rows = all.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.seq, r.decision])).toEqual([['1', 'placed'], ['2', 'blocked']]);
    expect(rows[1]).toMatchObject({ reason: 'dnc', inputs: { dnc: [{ id: 'internal', version: '3' }] }, prevHash: rows[0]?.hash });
    const blocked = await t.get(`/v1/dial-decisions?campaignId=${s.campaignId}&decision=blocked`, { accept: 'text/csv' });
    const csv = parse(blocked.body, { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => r.phone)).toEqual(['+12025550112']);
    expect((await t.get(`/v1/dial-decisions?campaignId=${s.campaignId}`, { role: 'manager' })).statusCode).toBe(403);
  });
});
