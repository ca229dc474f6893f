import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { CampaignRunner } from '../../../src/runtime/campaign-runner.ts';
import { campaignOf, collectingLogger, repositoriesWithOutage, seedCampaign, START_MS } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

describe('agent-owned callbacks', () => {
  it('dials a due callback only while its agent is ready, and connects it to that agent', async () => {
    const { db } = handle;
    const { campaignId, leadIds, agentIds } = await seedCampaign(db, { leads: 1, agents: 2 });
    const [leadId] = leadIds;
    const [owner, other] = agentIds;
    if (leadId === undefined || owner === undefined || other === undefined) throw new Error('seed failed');
    await db.updateTable('leads').set({ status: 'callback', next_attempt_at: new Date(START_MS - 60_000), callback_agent_id: owner }).where('id', '=', leadId).execute();

    const scheduler = new VirtualScheduler(START_MS);
    // Every callee answers at once and talks for a minute.
    const sim = new SimTelephony({ scheduler, seed: 4, script: () => ({ kind: 'human', ringMs: 3_000, answerAfterMs: 3_000, amdResult: 'human', amdDecisionMs: 0, talkMs: 60_000, beepAfterMs: 0, patienceMs: 30_000 }) });
    const { repos } = repositoriesWithOutage(db);
    const { logger, problems } = collectingLogger();
    const runner = new CampaignRunner(campaignOf(campaignId), { ...repos, scheduler, telephony: sim, logger, nodeId: `node-${randomUUID()}`, tickMs: 1_000 });
    for (const id of [owner, other]) {
      await sim.agentLogin({ agentId: id });
      runner.coordinator.roster.add(id, START_MS);
    }
    expect(runner.coordinator.setAgentState(other, 'ready').ok).toBe(true);
    expect(runner.coordinator.setAgentState(owner, 'paused', 'lunch').ok).toBe(true);
    await runner.start();
    const settle = () => runner.whenIdle();

    // The owner is away: another agent is ready, but the callback waits for its owner.
    await scheduler.advanceBy(30_000, settle);
    expect(runner.stats().originated).toBe(0);
    expect(await db.selectFrom('leads').select('status').where('id', '=', leadId).executeTakeFirstOrThrow()).toEqual({ status: 'callback' });

    // The owner is back: the callback is dialed and connected to the owner, not to the agent idle longer.
    expect(runner.coordinator.setAgentState(owner, 'ready').ok).toBe(true);
    await scheduler.advanceBy(30_000, settle);
    expect(runner.stats().originated).toBe(1);
    expect(runner.coordinator.roster.get(owner)?.state).toBe('on_call');
    expect(runner.coordinator.roster.get(other)?.state).toBe('ready');
    runner.pause();
    await scheduler.advanceBy(120_000, settle);
    await runner.stop();
    const attempt = await db.selectFrom('call_attempts').select(['agent_id', 'outcome']).where('lead_id', '=', leadId).executeTakeFirstOrThrow();
    expect(attempt).toEqual({ agent_id: owner, outcome: 'human' });
    expect(problems).toEqual([]);
  });
});
