import { describe, expect, it } from 'vitest';
import type { BridgeResult, TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { answer, coordinator, flush } from './support/coordinator-fixture.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';

/** bridge() answered by the test. */
function telephonyWithManualBridges(): { telephony: TelephonyPort; bridges: ((r: BridgeResult) => void)[] } {
  const bridges: ((r: BridgeResult) => void)[] = [];
  const telephony: TelephonyPort = {
    originate: () => Promise.resolve({ ok: true }),
    cancel: () => Promise.resolve(),
    bridge: () => new Promise<BridgeResult>((answer) => bridges.push(answer)),
    playPrompt: () => Promise.resolve(),
    startRecording: (_id, options) => Promise.resolve({ ok: true, path: options.path }),
    hangup: () => Promise.resolve(),
    agentLogin: () => Promise.resolve(),
    agentLogout: () => Promise.resolve(),
    capacity: () => ({ freeSessions: 10, cpsTokens: 10 }),
    ready: () => true,
    close: () => Promise.resolve(),
  };
  return { telephony, bridges };
}


describe('CallCoordinator: a call that ends while its bridge is under way', () => {
  it('the callee hangs up before bridge() resolves ok: the agent is ready again, never on_call', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges } = telephonyWithManualBridges();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    const onEvent = answer(c, 'call-1', 0);
    expect(c.roster.get('a1')?.state).toBe('reserved');
    onEvent({ type: 'hangup', callId: 'call-1', atMs: 500, by: 'remote' });
    bridges[0]?.({ ok: true });
    await flush();
    expect(c.roster.get('a1')).toMatchObject({ state: 'ready', callId: undefined });
  });

  it('bridge() resolves ok and the call ends before its bridged event: the agent wraps up, never stays on_call', async () => {
    const scheduler = new VirtualScheduler(0);
    const { telephony, bridges } = telephonyWithManualBridges();
    const c = coordinator(telephony, scheduler);
    c.setAgentState('a1', 'ready');
    const onEvent = answer(c, 'call-1', 0);
    bridges[0]?.({ ok: true });
    await flush();
    expect(c.roster.get('a1')?.state).toBe('on_call');
    onEvent({ type: 'hangup', callId: 'call-1', atMs: 800, by: 'remote' });
    await flush();
    expect(c.roster.get('a1')?.state).toBe('wrap_up');
    await scheduler.advanceTo(40_000);
    await flush();
    expect(c.roster.get('a1')?.state).toBe('ready');
  });
});

describe('SimTelephony: the bridge event order the drachtio adapter has', () => {
  it('emits bridged before bridge() resolves, and resolves call_gone when the call ends meanwhile', async () => {
    const scheduler = new VirtualScheduler(0);
    const sim = new SimTelephony({ scheduler, seed: 7, script: () => ({ kind: 'human', ringMs: 100, answerAfterMs: 1_000, amdResult: 'human', amdDecisionMs: 500, talkMs: 60_000, beepAfterMs: 0, patienceMs: 60_000 }) });
    await sim.agentLogin({ agentId: 'a1', contact: 'sip:a1@example.test' }, () => undefined);
    const events: string[] = [];
    await sim.originate({ callId: 'c1', to: '+16465550100', callerId: '+12125550199', ringTimeoutMs: 30_000, amd: { enabled: false } }, (e) => events.push(e.type));
    await scheduler.advanceTo(2_000);
    const bridging = sim.bridge('c1', 'a1').then((r) => {
      events.push(`resolved:${r.ok ? 'ok' : r.reason}`);
    });
    await scheduler.advanceTo(10_000);
    await bridging;
    expect(events.slice(events.indexOf('answered'))).toEqual(['answered', 'bridged', 'resolved:ok']);
  });
});

describe('SimTelephony: a call that ends while the bridge is under way', () => {
  it('resolves bridge() with call_gone and emits no bridged', async () => {
    const scheduler = new VirtualScheduler(0);
    const sim = new SimTelephony({ scheduler, seed: 7, bridgeDelayMs: 1_000, script: () => ({ kind: 'human', ringMs: 100, answerAfterMs: 1_000, amdResult: 'human', amdDecisionMs: 500, talkMs: 60_000, beepAfterMs: 0, patienceMs: 60_000 }) });
    await sim.agentLogin({ agentId: 'a1' }, () => undefined);
    const events: string[] = [];
    await sim.originate({ callId: 'c1', to: '+16465550100', callerId: '+12125550199', ringTimeoutMs: 30_000, amd: { enabled: false } }, (e) => events.push(e.type));
    await scheduler.advanceTo(2_000);
    const result = sim.bridge('c1', 'a1');
    await sim.hangup('c1');
    expect(await result).toEqual({ ok: false, reason: 'call_gone' });
    expect(events).not.toContain('bridged');
  });
});
