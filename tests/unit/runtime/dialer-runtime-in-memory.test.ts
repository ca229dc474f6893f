import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { createMemoryRuntimeStores } from '../../../src/adapters/memory/create-memory-runtime-stores.ts';
import type { MemoryRuntimeData } from '../../../src/adapters/memory/memory-runtime-data.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { Campaign } from '../../../src/domain/campaign/campaign.ts';
import type { TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { DialerRuntime, type RuntimeEvents } from '../../../src/runtime/dialer-runtime.ts';
import type { RuntimeStores } from '../../../src/runtime/ports/runtime-stores.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, observingTelephony, START_MS } from '../../integration/runtime/support/runtime-fixture.ts';

/**
 * The dialer runtime on the in-memory stores: its logic (pacing loop, dial batch, re-check before
 * originate, crash recovery, dispositions) with no database at all.
 */
function seed(data: MemoryRuntimeData, leads: number, agents: number, overrides: Partial<Campaign> = {}): { campaign: Campaign; leadIds: string[]; agentIds: string[]; numbers: string[] } {
  const campaign = campaignOf(randomUUID(), { dialMode: 'predictive', pacingPolicy: 'ratio', pacingRatio: 2, ...overrides });
  data.addCampaign(campaign);
  const numbers = Array.from({ length: leads }, (_, i) => `+1646555${String(1_000 + i).padStart(4, '0')}`);
  const leadIds = numbers.map((e164) => data.addLead(campaign.id, { phones: [{ e164 }], timezone: 'America/New_York', timezoneSource: 'zip' }));
  const agentIds = Array.from({ length: agents }, () => data.addAgent(campaign.id));
  return { campaign, leadIds, agentIds, numbers };
}

function node(stores: RuntimeStores, scheduler: VirtualScheduler, telephony: TelephonyPort, nodeId: string): DialerRuntime {
  return new DialerRuntime({
    stores, scheduler, telephony, nodeId, tickMs: 1_000,
    lease: new InProcessLease({ clock: scheduler }),
    eventBus: new InProcessEventBus<RuntimeEvents>(),
    logger: collectingLogger().logger,
  });
}

describe('dialer runtime on the in-memory stores', () => {
  it('dials a campaign to its end with one closed record per call and every lead settled', async () => {
    const scheduler = new VirtualScheduler(START_MS);
    const { stores, data } = createMemoryRuntimeStores({ clock: scheduler });
    const { campaign, agentIds } = seed(data, 40, 4);
    const sim = new SimTelephony({ scheduler, seed: 3 });
    const agents = new SimAgents({ scheduler, telephony: sim, seed: 4 });
    const runtime = node(stores, scheduler, sim, `node-${randomUUID()}`);
    expect(await runtime.start()).toEqual({ orphansClosed: 0, campaignsResumed: 1 });
    const runner = runtime.runner(campaign.id);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await agents.login(id, runner.coordinator);
    await scheduler.advanceBy(30 * 60_000, () => runtime.whenIdle());
    await runtime.close();
    const records = [...data.attempts.values()];
    expect(records.length).toBeGreaterThanOrEqual(40);
    expect(records.filter((a) => a.endedAtMs === null)).toEqual([]);
    expect(new Set(records.map((a) => a.id)).size).toBe(records.length);
    // One placed decision per record, in the trail.
    expect((data.decisions.get(campaign.id) ?? []).filter((d) => d.decision === 'placed').length).toBe(records.length);
    expect([...data.leads.values()].filter((l) => l.status === 'in_call' || l.status === 'leased')).toEqual([]);
  });

  it('does not originate a number put on a DNC list after the batch read DNC (the re-check)', async () => {
    const scheduler = new VirtualScheduler(START_MS);
    const { stores, data } = createMemoryRuntimeStores({ clock: scheduler });
    const { campaign, agentIds } = seed(data, 30, 3);
    const list = data.addDncList('global');
    const added: string[] = [];
    // A compliance officer adds the first number of each batch right after the batch's DNC read.
    const dnc: RuntimeStores['dnc'] = {
      listsApplyingTo: (id) => stores.dnc.listsApplyingTo(id),
      dncHits: async (numbers, lists) => {
        const hits = await stores.dnc.dncHits(numbers, lists);
        const first = numbers[0];
        if (first !== undefined && added.length < 5 && !added.includes(first) && hits.size === 0) {
          data.addDncEntry(list, first);
          added.push(first);
        }
        return hits;
      },
    };
    const originated: string[] = [];
    const sim = new SimTelephony({ scheduler, seed: 5 });
    const telephony = observingTelephony(sim, { onOriginated: (r) => originated.push(r.to) });
    const agents = new SimAgents({ scheduler, telephony: sim, seed: 6 });
    const runtime = node({ ...stores, dnc }, scheduler, telephony, `node-${randomUUID()}`);
    await runtime.start();
    const runner = runtime.runner(campaign.id);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await agents.login(id, runner.coordinator);
    await scheduler.advanceBy(5 * 60_000, () => runtime.whenIdle());
    await runtime.close();
    expect(added.length).toBeGreaterThan(0);
    for (const n of added) expect(originated).not.toContain(n);
    const stopped = [...data.attempts.values()].filter((a) => added.includes(a.phone));
    expect(stopped.map((a) => [a.outcome, a.notDialedReason])).toEqual(added.map(() => ['not_dialed', 'dnc']));
    for (const a of stopped) expect(data.lead(a.leadId).phones[0]?.dncFlagged).toBe(true);
  });

  it('after a crash, closes the attempts left open as unknown and never burns their leads', async () => {
    const scheduler = new VirtualScheduler(START_MS);
    const { stores, data } = createMemoryRuntimeStores({ clock: scheduler });
    const { campaign, agentIds } = seed(data, 20, 4, { maxAttemptsPerLead: 1, retryRules: { ...campaignOf('x').retryRules, failed: { delayMs: 60_000, maxAttempts: 1 } } });
    const nodeId = `node-${randomUUID()}`;
    const sim = new SimTelephony({ scheduler, seed: 8 });
    const agents = new SimAgents({ scheduler, telephony: sim, seed: 9 });
    const first = node(stores, scheduler, sim, nodeId);
    await first.start();
    const runner = first.runner(campaign.id);
    if (runner === undefined) throw new Error('campaign not running');
    for (const id of agentIds) await agents.login(id, runner.coordinator);
    await scheduler.advanceBy(8_000, () => first.whenIdle());
    await runner.flush();
    const open = [...data.attempts.values()].filter((a) => a.endedAtMs === null);
    expect(open.length).toBeGreaterThan(0);

    // The process dies (its scheduler never runs again); the node comes back later on the same data.
    const later = new VirtualScheduler(scheduler.nowMs() + 600_000);
    const second = node(stores, later, new SimTelephony({ scheduler: later, seed: 10 }), nodeId);
    expect((await second.start()).orphansClosed).toBe(open.length);
    const restartMs = later.nowMs();
    expect(open.filter((a) => a.outcome === 'unknown').length).toBeGreaterThan(0);
    for (const a of open) {
      expect(a.endedAtMs).toBe(restartMs);
      // Nothing known of the call (it may never have rung): the attempt is given back, retried after the delay.
      if (a.outcome === 'unknown') expect(data.lead(a.leadId)).toMatchObject({ status: 'scheduled', attempts: 0, nextAttemptAtMs: restartMs + 60_000 });
    }
    expect([...data.leads.values()].filter((l) => l.status === 'in_call')).toEqual([]);
    await second.close();
  });
});
