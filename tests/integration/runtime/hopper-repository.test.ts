import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { HopperRepository } from '../../../src/adapters/db/repositories/hopper-repository.ts';

let handle: DatabaseHandle;
let other: DatabaseHandle;
const t0 = Date.UTC(2026, 6, 1, 15, 0);

async function seedCampaign(leadCount: number): Promise<string> {
  const { db } = handle;
  const campaign = await db.insertInto('campaigns').values({ name: `hopper-${randomUUID()}`, dial_mode: 'predictive', caller_id: '+12125550199' }).returning('id').executeTakeFirstOrThrow();
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaign.id, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  for (let i = 0; i < leadCount; i++) {
    const lead = await db
      .insertInto('leads')
      .values({ campaign_id: campaign.id, lead_list_id: list.id, source_row: i + 1, timezone: 'America/New_York', timezone_source: 'zip' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('lead_phones').values({ lead_id: lead.id, position: 1, campaign_id: campaign.id, e164: `+1212555${String(1000 + i).padStart(4, '0')}` }).execute();
  }
  return campaign.id;
}

beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl') });
  other = createDatabase({ connectionString: inject('databaseUrl') });
});
afterAll(async () => {
  await handle.close();
  await other.close();
});

describe('HopperRepository', () => {
  it('never leases the same lead to two concurrent nodes', async () => {
    const campaignId = await seedCampaign(40);
    const a = new HopperRepository(handle.db);
    const b = new HopperRepository(other.db);
    const args = { campaignId, count: 25, nowMs: t0, leaseMs: 60_000, maxAttemptsPerNumber: 3 };
    const [x, y] = await Promise.all([a.lease({ ...args, nodeId: 'a' }), b.lease({ ...args, nodeId: 'b' })]);
    // Leases that overlap skip each other's rows (SKIP LOCKED): each may take fewer than asked, never a lead twice.
    const ids = [...x, ...y].map((l) => l.leadId);
    expect(x.length).toBeLessThanOrEqual(25);
    expect(y.length).toBeLessThanOrEqual(25);
    for (let more = await a.lease({ ...args, nodeId: 'a' }); more.length > 0; more = await a.lease({ ...args, nodeId: 'a' })) ids.push(...more.map((l) => l.leadId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40);
  });

  it('skips leads not yet due, DNC-flagged numbers and numbers over their attempt limit', async () => {
    const campaignId = await seedCampaign(3);
    const leads = await handle.db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute();
    const [l1, l2, l3] = leads.map((l) => l.id);
    await handle.db.updateTable('leads').set({ status: 'scheduled', next_attempt_at: new Date(t0 + 60_000) }).where('id', '=', String(l1)).execute();
    await handle.db.updateTable('lead_phones').set({ dnc_flagged: true }).where('lead_id', '=', String(l2)).execute();
    await handle.db.updateTable('lead_phones').set({ attempts: 3 }).where('lead_id', '=', String(l3)).execute();
    const hopper = new HopperRepository(handle.db);
    // Depth counts only what lease returns: l2 has no number left (DNC), l3's is at its limit.
    expect(await hopper.dueCount(campaignId, t0, 3)).toBe(0);
    expect(await hopper.dueCount(campaignId, t0)).toBe(1);
    expect(await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 })).toEqual([]);
    const later = await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0 + 60_000, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(later.map((l) => l.leadId)).toEqual([String(l1)]);
    expect(later[0]).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'zip', leadAttempts: 0, numberAttempts: 0 });
  });

  it('leases due callbacks first, then due retries, then fresh leads (fresh leads never starve them)', async () => {
    const campaignId = await seedCampaign(8);
    const leads = (await handle.db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((l) => String(l.id));
    const [retryOld, retryNew, callback, ownedCallback, notDue] = leads;
    const agent = await handle.db.insertInto('agents').values({ name: 'owner' }).returning('id').executeTakeFirstOrThrow();
    await handle.db.updateTable('leads').set({ status: 'scheduled', next_attempt_at: new Date(t0 - 3_600_000) }).where('id', '=', String(retryOld)).execute();
    await handle.db.updateTable('leads').set({ status: 'scheduled', next_attempt_at: new Date(t0 - 60_000) }).where('id', '=', String(retryNew)).execute();
    await handle.db.updateTable('leads').set({ status: 'callback', next_attempt_at: new Date(t0 - 1_000) }).where('id', '=', String(callback)).execute();
    await handle.db.updateTable('leads').set({ status: 'callback', next_attempt_at: new Date(t0 - 1_000), callback_agent_id: agent.id }).where('id', '=', String(ownedCallback)).execute();
    await handle.db.updateTable('leads').set({ status: 'scheduled', next_attempt_at: new Date(t0 + 60_000) }).where('id', '=', String(notDue)).execute();
    const hopper = new HopperRepository(handle.db);
    const base = { campaignId, nodeId: 'n', nowMs: t0, leaseMs: 60_000, maxAttemptsPerNumber: 3 };
    // The owner is not ready: its callback waits; the other callback, then the retries (oldest due first).
    const first = await hopper.lease({ ...base, count: 3 });
    expect(new Set(first.map((l) => l.leadId))).toEqual(new Set([callback, retryOld, retryNew]));
    // Its agent ready: the owned callback comes before the three fresh leads.
    const second = await hopper.lease({ ...base, count: 1, readyAgentIds: [agent.id] });
    expect(second.map((l) => l.leadId)).toEqual([ownedCallback]);
    const rest = await hopper.lease({ ...base, count: 10 });
    expect(rest).toHaveLength(3);
    expect(rest.map((l) => l.leadId)).not.toContain(notDue);
  });

  it('reclaims expired leases and releases only the owner lease', async () => {
    const campaignId = await seedCampaign(2);
    const hopper = new HopperRepository(handle.db);
    const leased = await hopper.lease({ campaignId, nodeId: 'dead', count: 2, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(leased).toHaveLength(2);
    const first = leased[0];
    if (first === undefined) throw new Error('no lease');
    expect(await hopper.release('someone-else', [{ leadId: first.leadId, status: 'scheduled', nextAttemptAtMs: null }])).toBe(0);
    expect(await hopper.release('dead', [{ leadId: first.leadId, status: 'scheduled', nextAttemptAtMs: null }])).toBe(1);
    expect(await hopper.reclaimExpired(t0 + 500)).toBe(0);
    expect(await hopper.reclaimExpired(t0 + 2000)).toBeGreaterThanOrEqual(1);
    const again = await hopper.lease({ campaignId, nodeId: 'alive', count: 5, nowMs: t0 + 2000, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(again).toHaveLength(2);
  });

  it('closes a due lead with no callable number left: dnc when all its numbers are flagged, else exhausted', async () => {
    const campaignId = await seedCampaign(3);
    const [l1, l2, l3] = (await handle.db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((l) => String(l.id));
    await handle.db.updateTable('leads').set({ status: 'scheduled' }).where('campaign_id', '=', campaignId).execute();
    await handle.db.updateTable('lead_phones').set({ dnc_flagged: true }).where('campaign_id', '=', campaignId).where('lead_id', '=', String(l1)).execute();
    await handle.db.updateTable('lead_phones').set({ attempts: 3 }).where('campaign_id', '=', campaignId).where('lead_id', '=', String(l2)).execute();
    const hopper = new HopperRepository(handle.db);
    const leased = await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(leased.map((l) => l.leadId)).toEqual([l3]);
    const statuses = await handle.db.selectFrom('leads').select(['id', 'status']).where('campaign_id', '=', campaignId).orderBy('id').execute();
    expect(statuses.map((l) => l.status)).toEqual(['dnc', 'exhausted', 'leased']);
    expect(await hopper.dueCount(campaignId, t0, 3)).toBe(0);
  });

  it('leases the zone of the number being dialed, and the lead zone for a number stored without one', async () => {
    const campaignId = await seedCampaign(2);
    const [l1, l2] = (await handle.db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((l) => String(l.id));
    const { db } = handle;
    // l1: phone (New York) used up; phone2 is in Tokyo.
    await db.updateTable('lead_phones').set({ attempts: 3, timezone: 'America/New_York', timezone_source: 'phone' }).where('campaign_id', '=', campaignId).where('lead_id', '=', String(l1)).execute();
    await db.insertInto('lead_phones').values({ lead_id: String(l1), position: 2, campaign_id: campaignId, e164: '+81312345678', timezone: 'Asia/Tokyo', timezone_source: 'phone' }).execute();
    // l2: one ambiguous number of its own.
    await db.updateTable('lead_phones').set({ timezone: null, timezone_source: 'ambiguous', timezone_candidates: ['America/Adak', 'America/Anchorage'] }).where('campaign_id', '=', campaignId).where('lead_id', '=', String(l2)).execute();
    const hopper = new HopperRepository(db);
    const leased = await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(leased).toEqual([
      expect.objectContaining({ leadId: l1, phoneE164: '+81312345678', phonePosition: 2, timezone: 'Asia/Tokyo', timezoneSource: 'phone', timezoneCandidates: null }),
      expect.objectContaining({ leadId: l2, timezone: null, timezoneSource: 'ambiguous', timezoneCandidates: ['America/Adak', 'America/Anchorage'] }),
    ]);
    // A number without a zone of its own (written before migration 0008 or by a writer that sets none): the lead's zone.
    const fallback = await seedCampaign(1);
    const [own] = await hopper.lease({ campaignId: fallback, nodeId: 'n', count: 1, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(own).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'zip', timezoneCandidates: null });
  });
});
