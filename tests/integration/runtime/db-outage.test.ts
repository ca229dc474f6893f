import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { CampaignRunner } from '../../../src/runtime/campaign-runner.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, observingTelephony, repositoriesWithOutage, seedCampaign, START_MS } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

describe('database outage while a campaign runs', () => {
  it('places no call while the database is down, lets live calls end, and writes their records when it is back', async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 300, agents: 6 });
    const scheduler = new VirtualScheduler(START_MS);
    const sim = new SimTelephony({ scheduler, seed: 21 });
    const originated: { callId: string; atMs: number }[] = [];
    const telephony = observingTelephony(sim, { onOriginated: (request) => originated.push({ callId: request.callId, atMs: scheduler.nowMs() }) });
    const { repos, outage } = repositoriesWithOutage(db);
    const { logger, problems } = collectingLogger();
    const agents = new SimAgents({ scheduler, telephony: sim, seed: 3 });
    const runner = new CampaignRunner(campaignOf(campaignId), {
      ...repos, scheduler, telephony, logger, nodeId: `node-${randomUUID()}`, tickMs: 1_000,
      listener: { onAgentState: (agentId, state) => agents.onAgentState(agentId, state) },
    });
    for (const id of agentIds) await agents.login(id, runner.coordinator);
    await runner.start();
    const settle = () => runner.whenIdle();

    await scheduler.advanceBy(120_000, settle);
    expect(runner.coordinator.liveCallCount).toBeGreaterThan(0);
    const placedBefore = originated.length;
    expect(placedBefore).toBeGreaterThan(0);

    // The database goes away: calls in progress go on; nothing new is dialed.
    outage.down = true;
    const cutMs = scheduler.nowMs();
    for (let i = 0; i < 30 && runner.coordinator.liveCallCount > 0; i++) await scheduler.advanceBy(60_000, settle);
    expect(runner.coordinator.liveCallCount).toBe(0);
    expect(originated.filter((o) => o.atMs >= cutMs)).toEqual([]);
    expect(outage.failedCalls).toBeGreaterThan(0);
    expect(problems.some((p) => p.level === 'error')).toBe(true);
    // Nothing of what happened during the outage is on disk yet.
    const openDuring = await db.selectFrom('call_attempts').select('id').where('campaign_id', '=', campaignId).where('ended_at', 'is', null).execute();
    expect(openDuring.length).toBeGreaterThan(0);

    // Back: the kept records and lead updates are written, and dialing resumes.
    outage.down = false;
    const backMs = scheduler.nowMs();
    await scheduler.advanceBy(60_000, settle);
    expect(originated.some((o) => o.atMs >= backMs)).toBe(true);
    runner.pause();
    for (let i = 0; i < 30 && runner.coordinator.liveCallCount > 0; i++) await scheduler.advanceBy(60_000, settle);
    await runner.stop();

    const attempts = await db.selectFrom('call_attempts').selectAll().where('campaign_id', '=', campaignId).execute();
    expect(attempts.map((a) => a.id).sort()).toEqual(originated.map((o) => o.callId).sort());
    for (const a of attempts) {
      expect(a.ended_at, `attempt ${a.id} ended`).not.toBeNull();
      expect(a.outcome, `attempt ${a.id} outcome`).not.toBeNull();
      expect(a.outcome).not.toBe('unknown');
    }
    // Every dialed lead was settled (none left leased by this node).
    const leased = await db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).where('status', '=', 'leased').execute();
    expect(leased).toEqual([]);
    const dialedLeads = new Set(attempts.map((a) => a.lead_id));
    const settled = await db.selectFrom('leads').select(['id', 'status', 'attempts']).where('id', 'in', [...dialedLeads]).execute();
    for (const l of settled) expect(['done', 'scheduled', 'exhausted']).toContain(l.status);
  });
});
