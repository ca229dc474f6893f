import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialerTestApp, IN_CALLING_HOURS_MS as START_MS, jsonBody as body, type DialerTestApp } from './support/dialer-test-app.ts';

let t: DialerTestApp;
beforeAll(async () => {
  t = await createDialerTestApp({ startMs: START_MS });
});
afterAll(() => t.close());

async function campaign(input: { leads: number; agents: number }): Promise<{ campaignId: string; agentIds: string[] }> {
  const res = await t.call('POST', '/v1/campaigns', { json: { name: `stats-${randomUUID().slice(0, 8)}`, dialMode: 'progressive', callerId: '+12125550100' } });
  expect(res.statusCode).toBe(201);
  const campaignId = String(body(res).id);
  const { db } = t.database;
  if (input.leads > 0) {
    const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'l' }).returning('id').executeTakeFirstOrThrow();
    const rows = await db.insertInto('leads').values(Array.from({ length: input.leads }, (_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, timezone: 'America/New_York', timezone_source: 'zip' as const }))).returning('id').execute();
    const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
    await db.insertInto('lead_phones').values(rows.map((r, i) => ({ lead_id: r.id, position: 1, campaign_id: campaignId, e164: `+1347${String(base + i).padStart(7, '0')}` }))).execute();
  }
  const agentIds: string[] = [];
  for (let a = 0; a < input.agents; a++) {
    const r = await t.call('POST', '/v1/agents', { json: { name: `agent ${a}`, campaignId } });
    expect(r.statusCode).toBe(201);
    agentIds.push(String(body(r).id));
  }
  return { campaignId, agentIds };
}

describe('starting a campaign', () => {
  it('refuses a campaign without agents, without leads, or with an invalid caller ID, naming the problem', async () => {
    const noAgents = await campaign({ leads: 5, agents: 0 });
    const a = await t.call('POST', `/v1/campaigns/${noAgents.campaignId}/start`, { key: t.keys.manager });
    expect(a.statusCode).toBe(409);
    expect(body(a)).toMatchObject({ error: { code: 'CONFLICT', issues: [{ field: 'agents' }] } });

    const noLeads = await campaign({ leads: 0, agents: 1 });
    const b = await t.call('POST', `/v1/campaigns/${noLeads.campaignId}/start`, { key: t.keys.manager });
    expect(b.statusCode).toBe(409);
    expect(body(b)).toMatchObject({ error: { code: 'CONFLICT', issues: [{ field: 'leads' }] } });

    const badCaller = await campaign({ leads: 5, agents: 1 });
    await t.database.db.updateTable('campaigns').set({ caller_id: '+1212' }).where('id', '=', badCaller.campaignId).execute();
    const c = await t.call('POST', `/v1/campaigns/${badCaller.campaignId}/start`, { key: t.keys.manager });
    expect(c.statusCode).toBe(400);
    expect(body(c)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'callerId' }] } });
    // Nothing started.
    for (const id of [noAgents.campaignId, noLeads.campaignId, badCaller.campaignId]) expect(t.dialer.runtime.runner(id)).toBeUndefined();
  });
});

describe('GET /v1/campaigns/{id}/stats', () => {
  it('reports live calls, agents by state, pacing and the hopper while the campaign runs', async () => {
    const { campaignId, agentIds } = await campaign({ leads: 50, agents: 3 });
    const idle = body(await t.call('GET', `/v1/campaigns/${campaignId}/stats`, { key: t.keys.compliance }));
    expect(idle).toMatchObject({ campaignId, runningHere: false, originated: 0 });

    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    for (const id of agentIds) expect((await t.call('PUT', `/v1/agents/${id}/state`, { json: { state: 'ready' } })).statusCode).toBe(200);
    await t.advance(30_000);

    const res = await t.call('GET', `/v1/campaigns/${campaignId}/stats`, { key: t.keys.manager });
    expect(res.statusCode).toBe(200);
    const s = body(res);
    expect(s).toMatchObject({ campaignId, runningHere: true });
    expect(s.originated).toBeGreaterThan(0);
    expect(s.originated).toBeLessThanOrEqual(50);
    const agents = s.agents as Record<string, number>;
    expect(Object.values(agents).reduce((x, y) => x + y, 0)).toBe(3);
    expect(typeof s.pacingReason).toBe('string');
    expect(s.hopperDepth).toBeLessThan(50);
    const live = t.dialer.runtime.stats(campaignId);
    expect(Number(s.dialingNow) + Number(s.answeredNow) + Number(s.connectedNow)).toBe(live?.liveCalls);
    expect(s.abandonRateToday).toMatchObject({ liveAnswers: expect.any(Number), abandoned: expect.any(Number), rate: expect.any(Number) });

    expect((await t.call('GET', `/v1/campaigns/${campaignId}/stats`, { key: t.keys.agent })).statusCode).toBe(403);
    expect((await t.call('GET', `/v1/campaigns/${randomUUID()}/stats`)).statusCode).toBe(404);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });
});
