import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialerTestApp, IN_CALLING_HOURS_MS as START_MS, jsonBody as body, type DialerTestApp } from './support/dialer-test-app.ts';

let t: DialerTestApp;
beforeAll(async () => {
  t = await createDialerTestApp({ startMs: START_MS });
});
afterAll(() => t.close());

/** A campaign whose leads are `zones[i]` (null = unknown zone), one number each. */
async function campaign(zones: (string | null)[]): Promise<string> {
  const res = await t.call('POST', '/v1/campaigns', { json: { name: `diag-${randomUUID().slice(0, 8)}`, dialMode: 'progressive', callerId: '+12125550100' } });
  const campaignId = String(body(res).id);
  const { db } = t.database;
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  const rows = await db.insertInto('leads').values(zones.map((z, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, timezone: z, timezone_source: z === null ? ('unknown' as const) : ('zip' as const) }))).returning('id').execute();
  const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
  await db.insertInto('lead_phones').values(rows.map((r, i) => ({ lead_id: r.id, position: 1, campaign_id: campaignId, e164: `+1646${String(base + i).padStart(7, '0')}` }))).execute();
  return campaignId;
}

const findings = async (id: string): Promise<{ code: string; severity: string; message: string }[]> => {
  const res = await t.call('GET', `/v1/campaigns/${id}/diagnostics`, { key: t.keys.manager });
  expect(res.statusCode).toBe(200);
  return body(res).findings as { code: string; severity: string; message: string }[];
};

describe('GET /v1/campaigns/{id}/diagnostics', () => {
  it("explains why a campaign does not dial, then that it does", async () => {
    const id = await campaign(['America/New_York', 'America/New_York', null, null]);
    expect((await findings(id)).map((f) => f.code)).toContain('not_running');
    const agents: string[] = [];
    for (let i = 0; i < 4; i++) agents.push(String(body(await t.call('POST', '/v1/agents', { json: { name: `Bea ${i}`, campaignId: id } })).id));
    expect((await t.call('POST', `/v1/campaigns/${id}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    const idle = await findings(id);
    expect(idle[0]).toMatchObject({ code: 'no_agents_ready', severity: 'blocking' });
    // Two numbers have no zone, and the default policy is deny.
    expect(idle.find((f) => f.code === 'unresolved_zones_denied')?.message).toMatch(/^2 numbers/);

    for (const agent of agents) expect((await t.call('PUT', `/v1/agents/${agent}/state`, { json: { state: 'ready' } })).statusCode).toBe(200);
    await t.advance(2_000);
    const res = await t.call('GET', `/v1/campaigns/${id}/diagnostics`);
    const b = body(res) as { findings: { code: string }[]; facts: { runningHere: boolean; recentBlocked: Record<string, number> } };
    expect(b.facts.runningHere).toBe(true);
    expect(b.findings.map((f) => f.code)).not.toContain('no_agents_ready');
    expect(b.facts.recentBlocked.unknown_time_zone ?? 0).toBeGreaterThan(0);
    expect(b.findings.map((f) => f.code)).toContain('blocked_unknown_time_zone');
    expect((await t.call('POST', `/v1/campaigns/${id}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });

  it('404s an unknown campaign and refuses agents', async () => {
    expect((await t.call('GET', `/v1/campaigns/${randomUUID()}/diagnostics`)).statusCode).toBe(404);
    const id = await campaign(['America/New_York']);
    expect((await t.call('GET', `/v1/campaigns/${id}/diagnostics`, { key: t.keys.agent })).statusCode).toBe(403);
  });
});
