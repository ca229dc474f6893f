import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { CallAttemptRepository } from '../../../src/adapters/db/repositories/call-attempt-repository.ts';
import { DialDecisionRepository, GENESIS_HASH, decisionHash, type DialDecision } from '../../../src/adapters/db/repositories/dial-decision-repository.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl') });
});
afterAll(() => handle.close());

async function seed(): Promise<{ campaignId: string; leadId: string }> {
  const { db } = handle;
  const c = await db.insertInto('campaigns').values({ name: `rec-${randomUUID()}`, dial_mode: 'predictive', caller_id: '+12125550199' }).returning('id').executeTakeFirstOrThrow();
  const l = await db.insertInto('lead_lists').values({ campaign_id: c.id, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  const lead = await db.insertInto('leads').values({ campaign_id: c.id, lead_list_id: l.id, source_row: 1, timezone: null, timezone_source: 'unknown' }).returning('id').executeTakeFirstOrThrow();
  return { campaignId: c.id, leadId: lead.id };
}

describe('CallAttemptRepository', () => {
  it('writes the record at each transition and closes orphans as unknown', async () => {
    const { campaignId, leadId } = await seed();
    const repo = new CallAttemptRepository(handle.db);
    const base = { campaignId, leadId, phone: '+12125550100', callerId: '+12125550199', timezone: 'America/New_York', localTimeAtDial: '2026-07-01T11:00:00.000-04:00', dncListsChecked: [{ id: 'x', version: '1' }] };
    const done = await repo.insert({ ...base, nodeId: 'n1' });
    const open = await repo.insert({ ...base, nodeId: 'n1' });
    await repo.update(done, { originatedAtMs: 1_000, answeredAtMs: 5_000, endedAtMs: 9_000, outcome: 'human', abandoned: true, messagePlayed: true });
    expect(await repo.closeOrphans('n1', 20_000)).toEqual([open]);
    const rows = await handle.db.selectFrom('call_attempts').selectAll().where('campaign_id', '=', campaignId).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(done)).toMatchObject({ outcome: 'human', abandoned: true, message_played: true, dnc_lists_checked: [{ id: 'x', version: '1' }] });
    expect(byId.get(open)).toMatchObject({ outcome: 'unknown' });
    expect(byId.get(open)?.ended_at?.getTime()).toBe(20_000);
  });
});

describe('DialDecisionRepository', () => {
  it('chains each campaign decision to the previous one', async () => {
    const { campaignId, leadId } = await seed();
    const trail = new DialDecisionRepository(handle.db);
    const d = (i: number, decision: 'placed' | 'blocked'): DialDecision => ({ campaignId, decidedAtMs: 1_000 + i, leadId, phone: '+12125550100', attemptId: null, decision, reason: decision === 'blocked' ? 'dnc' : null, inputs: { rule: 'r', i } });
    await Promise.all([trail.append(campaignId, [d(1, 'placed'), d(2, 'blocked')]), trail.append(campaignId, [d(3, 'placed')])]);
    // A fresh repository (a restarted node) continues the same chain.
    await new DialDecisionRepository(handle.db).append(campaignId, [d(4, 'blocked')]);
    const rows = await handle.db.selectFrom('dial_decisions').selectAll().where('campaign_id', '=', campaignId).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4']);
    let prev = GENESIS_HASH;
    for (const [i, r] of rows.entries()) {
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toBe(decisionHash(prev, r.seq, d(i + 1, r.decision)));
      prev = r.hash;
    }
  });
});
