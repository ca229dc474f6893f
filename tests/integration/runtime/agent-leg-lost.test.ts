import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { DialerRuntime, type RuntimeEvents } from '../../../src/runtime/dialer-runtime.ts';
import { campaignOf, collectingLogger, seedCampaign, START_MS, storesFor } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

describe("an agent's telephony leg that goes away", () => {
  it('ends the call the agent is on normally, pauses the agent (agent_leg_lost) and reserves it no more until it logs in again', async () => {
    const { db } = handle;
    const { campaignId, agentIds } = await seedCampaign(db, { leads: 12, agents: 2 });
    const [lostAgent, otherAgent] = agentIds;
    if (lostAgent === undefined || otherAgent === undefined) throw new Error('seed failed');
    const campaign = campaignOf(campaignId);
    const scheduler = new VirtualScheduler(START_MS);
    // Every callee answers after 6 s and would talk for a minute.
    const sim = new SimTelephony({ scheduler, seed: 3, script: () => ({ kind: 'human', ringMs: 3_000, answerAfterMs: 3_000, amdResult: 'human', amdDecisionMs: 0, talkMs: 60_000, beepAfterMs: 0, patienceMs: 30_000 }) });
    const logins: string[] = [];
    const telephony: TelephonyPort = {
      originate: (r, onEvent) => sim.originate(r, onEvent),
      cancel: (id) => sim.cancel(id),
      bridge: (id, agentId) => sim.bridge(id, agentId),
      playPrompt: (id, prompt) => sim.playPrompt(id, prompt),
      startRecording: (id, options) => sim.startRecording(id, options),
      hangup: (id) => sim.hangup(id),
      agentLogin: (agent, onLost) => {
        logins.push(agent.agentId);
        return sim.agentLogin(agent, onLost);
      },
      agentLogout: (id) => sim.agentLogout(id),
      capacity: () => sim.capacity(),
      ready: () => sim.ready(),
      close: () => sim.close(),
    };
    const { logger, problems } = collectingLogger();
    const runtime = new DialerRuntime({
      stores: storesFor(db, [campaign]), scheduler, telephony, nodeId: `node-${randomUUID()}`, tickMs: 1_000,
      lease: new InProcessLease({ clock: scheduler }),
      eventBus: new InProcessEventBus<RuntimeEvents>(),
      logger,
    });
    const settle = (): Promise<void> => runtime.whenIdle();
    expect((await runtime.start()).campaignsResumed).toBe(1);
    const runner = runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    const state = (id: string) => runner.coordinator.roster.get(id);

    expect(await runtime.setAgentState(lostAgent, 'ready')).toEqual({ ok: true, state: 'ready' });
    expect(await runtime.setAgentState(otherAgent, 'ready')).toEqual({ ok: true, state: 'ready' });
    expect(logins).toEqual([lostAgent, otherAgent]);
    await scheduler.advanceBy(10_000, settle);
    expect(state(lostAgent)?.state).toBe('on_call');
    const callId = state(lostAgent)?.callId;
    if (callId === undefined) throw new Error('no call on the agent');

    // The agent's softphone hangs up mid-call.
    expect(sim.dropAgentLeg(lostAgent)).toBe(true);
    await scheduler.advanceBy(1_000, settle);
    await runner.flush();
    const record = await db.selectFrom('call_attempts').select(['agent_id', 'outcome', 'ended_at']).where('id', '=', callId).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ agent_id: lostAgent, outcome: 'human' });
    expect(record.ended_at).not.toBeNull();
    expect(state(lostAgent)?.state).toBe('wrap_up');

    // After its wrap-up the agent is paused, not made ready, and cannot make itself ready without a leg.
    await scheduler.advanceBy(61_000, settle);
    expect(state(lostAgent)).toMatchObject({ state: 'paused', reason: 'agent_leg_lost' });
    expect(await db.selectFrom('agents').select(['state', 'state_reason']).where('id', '=', lostAgent).executeTakeFirstOrThrow()).toEqual({ state: 'paused', state_reason: 'agent_leg_lost' });
    expect(runner.coordinator.setAgentState(lostAgent, 'ready')).toEqual({ ok: false, reason: 'agent_leg_lost' });

    // The other agent keeps taking calls; the lost one gets none.
    await scheduler.advanceBy(180_000, settle);
    await runner.flush();
    const byAgent = await db.selectFrom('call_attempts').select(['agent_id']).where('campaign_id', '=', campaignId).where('agent_id', 'is not', null).execute();
    expect(byAgent.filter((a) => a.agent_id === lostAgent)).toHaveLength(1);
    expect(byAgent.filter((a) => a.agent_id === otherAgent).length).toBeGreaterThan(1);
    expect(state(lostAgent)?.state).toBe('paused');

    // Setting itself ready logs the agent in again (a new leg), and it takes calls again.
    expect(await runtime.setAgentState(lostAgent, 'ready')).toEqual({ ok: true, state: 'ready' });
    expect(logins).toEqual([lostAgent, otherAgent, lostAgent]);
    await scheduler.advanceBy(70_000, settle);
    expect(['reserved', 'on_call', 'wrap_up']).toContain(state(lostAgent)?.state);

    await runtime.close({ hangup: true });
    // Running campaigns of other test files (same database) are logged as not resumed by this node.
    expect(problems.filter((p) => p.level === 'error' && p.msg !== 'campaign not resumed')).toEqual([]);
    expect(problems.some((p) => p.msg === "agent's telephony leg lost: paused until it logs in again")).toBe(true);
  });
});
