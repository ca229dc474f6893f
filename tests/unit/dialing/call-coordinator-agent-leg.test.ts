import { describe, expect, it } from 'vitest';
import type { BridgeResult, TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { answer, coordinator, flush } from './support/coordinator-fixture.ts';
import { AGENT_LEG_LOST } from '../../../src/runtime/call-coordinator.ts';

/** A telephony port whose bridges the test answers; hang-ups are recorded. */
function controllableTelephony(): { telephony: TelephonyPort; bridges: { callId: string; agentId: string; answer: (r: BridgeResult) => void }[]; hangups: string[] } {
  const bridges: { callId: string; agentId: string; answer: (r: BridgeResult) => void }[] = [];
  const hangups: string[] = [];
  const telephony: TelephonyPort = {
    originate: () => Promise.resolve({ ok: true }),
    cancel: () => Promise.resolve(),
    bridge: (callId, agentId) => new Promise<BridgeResult>((answer) => bridges.push({ callId, agentId, answer })),
    playPrompt: () => Promise.resolve(),
    startRecording: (_id, options) => Promise.resolve({ ok: true, path: options.path }),
    hangup: (callId) => {
      hangups.push(callId);
      return Promise.resolve();
    },
    agentLogin: () => Promise.resolve(),
    agentLogout: () => Promise.resolve(),
    capacity: () => ({ freeSessions: 10, cpsTokens: 10 }),
    ready: () => true,
    close: () => Promise.resolve(),
  };
  return { telephony, bridges, hangups };
}


describe('CallCoordinator: agent leg lost', () => {
  it('pauses a free agent at once and refuses to make it ready until it logs in again', () => {
    const scheduler = new VirtualScheduler(0);
    const c = coordinator(controllableTelephony().telephony, scheduler);
    expect(c.needsTelephonyLogin('a1')).toBe(true);
    c.setAgentState('a1', 'ready');
    expect(c.needsTelephonyLogin('a1')).toBe(false);
    c.agentLegLost('a1');
    expect(c.roster.get('a1')).toMatchObject({ state: 'paused', reason: AGENT_LEG_LOST });
    expect(c.needsTelephonyLogin('a1')).toBe(true);
    expect(c.setAgentState('a1', 'ready')).toEqual({ ok: false, reason: AGENT_LEG_LOST });
    c.agentLoggedIn('a1');
    expect(c.setAgentState('a1', 'ready')).toEqual({ ok: true });
    // An agent not on this campaign's roster is ignored.
    c.agentLegLost('nobody');
    expect(c.roster.get('nobody')).toBeUndefined();
  });

  it('a reserved agent whose bridge then fails is paused, not made ready, and the call goes to another agent', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges } = controllableTelephony();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    await scheduler.advanceBy(1_000);
    c.setAgentState('a2', 'ready');
    answer(c, 'c1', scheduler.nowMs());
    expect(c.roster.get('a1')?.state).toBe('reserved');
    c.agentLegLost('a1');
    expect(c.roster.get('a1')?.state).toBe('reserved');
    bridges[0]?.answer({ ok: false, reason: 'agent_unavailable' });
    await flush();
    expect(c.roster.get('a1')).toMatchObject({ state: 'paused', reason: AGENT_LEG_LOST });
    expect(bridges.map((b) => b.agentId)).toEqual(['a1', 'a2']);
    bridges[1]?.answer({ ok: true });
    await c.whenIdle();
    expect(c.roster.get('a2')?.state).toBe('on_call');
  });

  it('hangs up the call of an agent on a call; the call ends normally and the agent is paused after wrap-up', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges, hangups } = controllableTelephony();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    const onEvent = answer(c, 'c1', 0);
    bridges[0]?.answer({ ok: true });
    await flush();
    onEvent({ type: 'bridged', callId: 'c1', atMs: 40, agentId: 'a1' });
    expect(c.roster.get('a1')?.state).toBe('on_call');
    c.agentLegLost('a1');
    await c.whenIdle();
    expect(hangups).toEqual(['c1']);
    onEvent({ type: 'hangup', callId: 'c1', atMs: 5_000, by: 'local' });
    expect(c.roster.get('a1')?.state).toBe('wrap_up');
    expect(c.liveCallCount).toBe(0);
    await scheduler.advanceBy(31_000);
    expect(c.roster.get('a1')).toMatchObject({ state: 'paused', reason: AGENT_LEG_LOST });
  });

  it('after any failed bridge the call waits in line under its abandon deadline (no longer stranded)', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges, hangups } = controllableTelephony();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    answer(c, 'c1', 0);
    bridges[0]?.answer({ ok: false, reason: 'agent_unavailable' });
    await flush();
    // Not offered straight back to the agent that just failed.
    expect(bridges).toHaveLength(1);
    expect(c.roster.get('a1')?.state).toBe('ready');
    await scheduler.advanceBy(5_000);
    await flush();
    expect(hangups).toEqual(['c1']);
  });

  it('hangs up a call whose bridge succeeded after the leg was reported lost', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges, hangups } = controllableTelephony();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    answer(c, 'c1', 0);
    c.agentLegLost('a1');
    bridges[0]?.answer({ ok: true });
    await c.whenIdle();
    expect(hangups).toEqual(['c1']);
  });
});
