import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { Campaign } from '../../../src/domain/campaign/campaign.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { DialerRuntime, type RuntimeEvents } from '../../../src/runtime/dialer-runtime.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, seedCampaign, START_MS, storesFor } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

/**
 * A node whose `loadCampaign` knows only this test's campaign: running campaigns of tests in other
 * files (same database) are not resumed by it (it logs them as not resumed).
 */
function node(nodeId: string, startMs: number, campaign: Campaign): { runtime: DialerRuntime; scheduler: VirtualScheduler; sim: SimTelephony; agents: SimAgents } {
  const scheduler = new VirtualScheduler(startMs);
  const sim = new SimTelephony({ scheduler, seed: 8 });
  const agents = new SimAgents({ scheduler, telephony: sim, seed: 2 });
  const runtime = new DialerRuntime({
    stores: storesFor(handle.db, [campaign]), scheduler, telephony: sim, nodeId, tickMs: 1_000, simAgents: agents,
    lease: new InProcessLease({ clock: scheduler }),
    eventBus: new InProcessEventBus<RuntimeEvents>(),
    logger: collectingLogger().logger,
  });
  return { runtime, scheduler, sim, agents };
}

describe('crash recovery', () => {
  it('closes the attempts a crashed run left open as unknown and puts their leads back under the retry rules', async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 60, agents: 4 });
    const campaign = campaignOf(campaignId, { retryRules: { ...campaignOf(campaignId).retryRules, failed: { delayMs: 3_600_000, maxAttempts: 2 } } });
    const nodeId = `node-${randomUUID()}`;

    // An open attempt another node (a crashed one, or this one under an earlier id) left in the
    // campaign: closed once this node holds the campaign's lease, which proves nobody else dials it.
    const lead = await db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).where('status', '=', 'new').executeTakeFirstOrThrow();
    const foreign = await db.insertInto('call_attempts').values({ id: randomUUID(), campaign_id: campaignId, lead_id: lead.id, phone: '+16465550100', caller_id: '+12125550199', node_id: `other-${randomUUID()}`, originated_at: new Date(START_MS) }).returning('id').executeTakeFirstOrThrow();

    const first = node(nodeId, START_MS, campaign);
    expect(await first.runtime.start()).toEqual({ orphansClosed: 0, campaignsResumed: 1 });
    const runner = first.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await first.agents.login(id, runner.coordinator);
    await first.scheduler.advanceBy(45_000, () => first.runtime.whenIdle());
    await runner.flush();
    expect(runner.coordinator.liveCallCount).toBeGreaterThan(0);
    const open = await db.selectFrom('call_attempts').select(['id', 'lead_id']).where('campaign_id', '=', campaignId).where('node_id', '=', nodeId).where('ended_at', 'is', null).execute();
    expect(open.length).toBe(runner.coordinator.liveCallCount);

    // The process dies here (its scheduler never runs again). The node comes back ten minutes later.
    const restartMs = first.scheduler.nowMs() + 600_000;
    const second = node(nodeId, restartMs, campaign);
    expect(await second.runtime.start()).toEqual({ orphansClosed: open.length, campaignsResumed: 1 });

    const closed = await db.selectFrom('call_attempts').select(['id', 'lead_id', 'outcome', 'abandoned', 'ended_at']).where('id', 'in', open.map((o) => o.id)).execute();
    const leads = new Map((await db.selectFrom('leads').select(['id', 'status', 'next_attempt_at', 'last_outcome']).where('id', 'in', open.map((o) => o.lead_id)).execute()).map((l) => [l.id, l]));
    expect(closed.some((a) => a.outcome === 'unknown')).toBe(true);
    for (const a of closed) {
      expect(a.ended_at?.getTime()).toBe(restartMs);
      const l = leads.get(a.lead_id);
      if (a.outcome === 'human' && !a.abandoned) {
        // The callee was reached before the crash: the lead is done.
        expect(l).toMatchObject({ status: 'done', last_outcome: 'human', next_attempt_at: null });
      } else {
        // Still ringing (or in its greeting) when the node died: the outcome is unknown, retried as failed.
        expect(a.outcome).toBe('unknown');
        expect(l).toMatchObject({ status: 'scheduled', last_outcome: 'unknown' });
        expect(l?.next_attempt_at?.getTime()).toBe(restartMs + 3_600_000);
      }
    }
    expect(await db.selectFrom('leads').select('id').where('campaign_id', '=', campaignId).where('status', 'in', ['in_call', 'leased']).execute()).toEqual([]);
    const other = await db.selectFrom('call_attempts').select(['ended_at', 'outcome']).where('id', '=', foreign.id).executeTakeFirstOrThrow();
    expect(other).toEqual({ ended_at: new Date(START_MS), outcome: 'unknown' });

    // A second restart finds nothing left open.
    await second.runtime.close();
    const third = node(nodeId, restartMs + 1_000, campaign);
    expect((await third.runtime.start()).orphansClosed).toBe(0);
    await third.runtime.close();
  });

  it('never burns a lead: nine crashes on a maxAttemptsPerLead 1 campaign exhaust no lead that was never reached', async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 12, agents: 4 });
    const retryDelayMs = 60_000;
    const base = campaignOf(campaignId);
    const campaign = campaignOf(campaignId, { maxAttemptsPerLead: 1, retryRules: { ...base.retryRules, failed: { delayMs: retryDelayMs, maxAttempts: 1 } } });
    const nodeId = `node-${randomUUID()}`;
    let atMs = START_MS;
    let closedAsUnknown = 0;
    for (let crash = 0; crash < 9; crash++) {
      const run = node(nodeId, atMs, campaign);
      const { orphansClosed } = await run.runtime.start();
      const runner = run.runtime.runner(campaignId);
      if (runner === undefined) throw new Error('campaign not running');
      if (crash > 0) {
        // Every attempt the crash left open was closed, its lead back in the hopper after the retry delay, its attempt given back.
        const unknown = await db.selectFrom('call_attempts').innerJoin('leads', 'leads.id', 'call_attempts.lead_id')
          .select(['leads.status', 'leads.next_attempt_at', 'leads.attempts']).where('call_attempts.campaign_id', '=', campaignId)
          .where('call_attempts.outcome', '=', 'unknown').where('call_attempts.ended_at', '=', new Date(atMs)).execute();
        expect(unknown.length).toBeLessThanOrEqual(orphansClosed);
        for (const l of unknown) expect(l).toMatchObject({ status: 'scheduled', next_attempt_at: new Date(atMs + retryDelayMs), attempts: 0 });
        closedAsUnknown += unknown.length;
      }
      for (const id of agentIds) await run.agents.login(id, runner.coordinator);
      await run.scheduler.advanceBy(12_000, () => run.runtime.whenIdle());
      await runner.flush();
      // The process dies here; it comes back after the retry delay.
      atMs = run.scheduler.nowMs() + retryDelayMs + 1_000;
    }
    // More unknown closes than leads: leads were crashed on again and again.
    expect(closedAsUnknown).toBeGreaterThan(12);

    const final = node(nodeId, atMs, campaign);
    await final.runtime.start();
    await final.runtime.close();
    const attempts = await db.selectFrom('call_attempts').select(['lead_id', 'outcome', 'abandoned']).where('campaign_id', '=', campaignId).execute();
    const leads = await db.selectFrom('leads').select(['id', 'status', 'attempts']).where('campaign_id', '=', campaignId).execute();
    for (const l of leads) {
      const mine = attempts.filter((a) => a.lead_id === l.id);
      const known = mine.filter((a) => a.outcome !== 'unknown');
      // The lead's counter holds only the attempts whose outcome is known.
      expect(l.attempts).toBe(known.length);
      if (known.length === 0) expect(['new', 'scheduled']).toContain(l.status);
    }
    const unknownPerLead = leads.map((l) => attempts.filter((a) => a.lead_id === l.id && a.outcome === 'unknown').length);
    expect(Math.max(...unknownPerLead)).toBeGreaterThanOrEqual(2);
  });
});
