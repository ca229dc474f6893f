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
    const ids = [...x, ...y].map((l) => l.leadId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40);
    expect(await a.lease({ ...args, nodeId: 'a' })).toEqual([]);
  });

  it('skips leads not yet due, DNC-flagged numbers and numbers over their attempt limit', async () => {
    const campaignId = await seedCampaign(3);
    const leads = await handle.db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute();
    const [l1, l2, l3] = leads.map((l) => l.id);
    await handle.db.updateTable('leads').set({ status: 'scheduled', next_attempt_at: new Date(t0 + 60_000) }).where('id', '=', String(l1)).execute();
    await handle.db.updateTable('lead_phones').set({ dnc_flagged: true }).where('lead_id', '=', String(l2)).execute();
    await handle.db.updateTable('lead_phones').set({ attempts: 3 }).where('lead_id', '=', String(l3)).execute();
    const hopper = new HopperRepository(handle.db);
    expect(await hopper.dueCount(campaignId, t0)).toBe(2);
    expect(await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0, leaseMs: 1000, maxAttemptsPerNumber: 3 })).toEqual([]);
    const later = await hopper.lease({ campaignId, nodeId: 'n', count: 10, nowMs: t0 + 60_000, leaseMs: 1000, maxAttemptsPerNumber: 3 });
    expect(later.map((l) => l.leadId)).toEqual([String(l1)]);
    expect(later[0]).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'zip', leadAttempts: 0, numberAttempts: 0 });
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
});
