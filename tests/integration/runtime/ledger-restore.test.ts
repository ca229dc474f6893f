import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { CallAttemptRepository } from '../../../src/adapters/db/repositories/call-attempt-repository.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { Campaign } from '../../../src/domain/campaign/campaign.ts';
import { createCampaignLedger, restoreAbandonLedger } from '../../../src/domain/compliance/campaign-ledger.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { DialerRuntime, type RuntimeEvents } from '../../../src/runtime/dialer-runtime.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, seedCampaign, START_MS, storesFor } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

function node(startMs: number, campaign: Campaign): { runtime: DialerRuntime; scheduler: VirtualScheduler; agents: SimAgents } {
  const scheduler = new VirtualScheduler(startMs);
  const sim = new SimTelephony({ scheduler, seed: 13 });
  const agents = new SimAgents({ scheduler, telephony: sim, seed: 5 });
  const runtime = new DialerRuntime({
    stores: storesFor(handle.db, [campaign]), scheduler, telephony: sim, nodeId: `node-${randomUUID()}`, tickMs: 1_000, simAgents: agents,
    lease: new InProcessLease({ clock: scheduler }),
    eventBus: new InProcessEventBus<RuntimeEvents>(),
    logger: collectingLogger().logger,
  });
  return { runtime, scheduler, agents };
}

describe('abandon ledger across a restart (issue 13)', () => {
  it("a restarted runner's 24 h ledger equals the one before the restart, estimated AMD false positives included", async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 400, agents: 4 });
    const campaign = campaignOf(campaignId, { abandonWindow: '24h', amd: { enabled: true, machineAction: 'hangup' }, amdFalsePositiveRate: 0.02, amdFalsePositiveSource: 'measured' });

    const first = node(START_MS, campaign);
    await first.runtime.start();
    const runner = first.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await first.agents.login(id, runner.coordinator);
    await first.scheduler.advanceBy(20 * 60_000, () => first.runtime.whenIdle());
    // A clean shutdown: calls in progress are hung up and every record is written.
    await first.runtime.close({ hangup: true });
    const before = runner.stats();
    const human = await db.selectFrom('call_attempts').select((eb) => eb.fn.countAll<string>().as('n')).where('campaign_id', '=', campaignId).where('outcome', '=', 'human').executeTakeFirstOrThrow();
    expect(Number(human.n)).toBeGreaterThan(0);
    // The estimate is in: more live answers than the records hold.
    expect(before.liveAnswers).toBeGreaterThan(Number(human.n));

    const second = node(first.scheduler.nowMs() + 1_000, campaign);
    await second.runtime.start();
    const after = second.runtime.stats(campaignId);
    expect(after?.liveAnswers).toBeCloseTo(before.liveAnswers, 9);
    expect(after?.abandoned).toBeCloseTo(before.abandoned, 9);
    await second.runtime.close();
  });

  it('restores from the records per minute: the restored ledger leaves events out of the window when the live one does', async () => {
    const { db } = handle;
    const { campaignId, leadIds } = await seedCampaign(db, { leads: 1, agents: 0 });
    const campaign = campaignOf(campaignId, { abandonWindow: '24h', amd: { enabled: true, machineAction: 'hangup' }, amdFalsePositiveRate: 0.02 });
    const live = createCampaignLedger(campaign);
    const rows = Array.from({ length: 300 }, (_, i) => {
      const endedAt = START_MS + i * 97_000 + (i % 7) * 3_100;
      const abandoned = i % 11 === 0;
      const amdResult = i % 3 === 0 ? null : ('human' as const);
      live.record('live_answer', endedAt);
      if (abandoned) live.record('abandon', endedAt);
      if (amdResult === 'human') live.record('amd_passed_human', endedAt);
      return {
        id: randomUUID(), campaign_id: campaignId, lead_id: leadIds[0] ?? '0', phone: '+16465550100', caller_id: '+12125550199', node_id: 'n',
        originated_at: new Date(endedAt - 60_000), answered_at: new Date(endedAt - 50_000), ended_at: new Date(endedAt),
        outcome: 'human' as const, abandoned, amd_result: amdResult,
      };
    });
    await db.insertInto('call_attempts').values(rows).execute();
    const restartMs = START_MS + 8 * 3_600_000;
    const restored = createCampaignLedger(campaign);
    restoreAbandonLedger(restored, await new CallAttemptRepository(db).abandonHistory(campaignId, restartMs - restored.windowMs));
    // From the restart until every record has left the 24 h window, every 5 minutes.
    for (let t = restartMs; t <= START_MS + 33 * 3_600_000; t += 300_000) {
      const a = live.snapshot(t);
      const b = restored.snapshot(t);
      expect({ t, live: b.liveAnswers, abandoned: b.abandoned }).toEqual({ t, live: a.liveAnswers, abandoned: a.abandoned });
    }
  });

  it("a running campaign's new AMD estimate reaches its ledger from the next tick, rebuilt from the records", async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 300, agents: 4 });
    const campaign = campaignOf(campaignId, { abandonWindow: '24h', amd: { enabled: true, machineAction: 'hangup' } });
    const n = node(START_MS, campaign);
    await n.runtime.start();
    const runner = n.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await n.agents.login(id, runner.coordinator);
    await n.scheduler.advanceBy(8 * 60_000, () => n.runtime.whenIdle());
    const before = runner.stats();
    expect(before.liveAnswers).toBeGreaterThan(0);
    // No estimate configured: the ledger holds whole calls only.
    expect(Number.isInteger(before.liveAnswers)).toBe(true);
    n.runtime.campaignChanged({ ...campaign, amdFalsePositiveRate: 0.02, amdFalsePositiveSource: 'measured', abandonTarget: 0.02, settingsVersion: 2 });
    await n.scheduler.advanceBy(2_000, () => n.runtime.whenIdle());
    await runner.flush();
    const human = await db.selectFrom('call_attempts').select((eb) => eb.fn.countAll<string>().as('n')).where('campaign_id', '=', campaignId).where('outcome', '=', 'human').where('ended_at', 'is not', null).executeTakeFirstOrThrow();
    const after = runner.stats();
    // Rebuilt from the records with the estimate added (AMD-passed humans x 0.02 / 0.98).
    expect(after.liveAnswers).toBeGreaterThan(Number(human.n));
    expect(after.liveAnswers).toBeLessThan(Number(human.n) + 1);
    expect(Number.isInteger(after.liveAnswers)).toBe(false);
    await n.runtime.close({ hangup: true });
  });
});
