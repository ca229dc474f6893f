import { describe, expect, it } from 'vitest';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { CalleeScript } from '../../../src/adapters/telephony/sim/callee-model.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { checkCallEventSequence } from '../../../src/domain/call/call-event-sequence.ts';
import type { CallEvent, OriginateRequest } from '../../../src/domain/ports/telephony-port.ts';

const human: CalleeScript = { kind: 'human', ringMs: 1_000, answerAfterMs: 5_000, amdResult: 'human', amdDecisionMs: 2_500, talkMs: 60_000, beepAfterMs: 0, patienceMs: 8_000 };
const req = (callId: string, amd = true): OriginateRequest => ({ callId, to: '+12125550100', callerId: '+12125550199', ringTimeoutMs: 25_000, amd: { enabled: amd } });

function setup(scripts: Record<string, CalleeScript>, extra: { maxSessions?: number } = {}) {
  const scheduler = new VirtualScheduler(0);
  const events = new Map<string, CallEvent[]>();
  const telephony = new SimTelephony({ scheduler, seed: 7, script: (r) => scripts[r.callId], ...extra });
  const onEvent = (e: CallEvent) => {
    const list = events.get(e.callId) ?? [];
    list.push(e);
    events.set(e.callId, list);
  };
  const types = (id: string) => (events.get(id) ?? []).map((e) => e.type);
  return { scheduler, telephony, onEvent, events, types };
}

describe('SimTelephony', () => {
  it('plays a human call through answer, AMD, bridge and the callee hanging up', async () => {
    const t = setup({ c1: human });
    await t.telephony.agentLogin({ agentId: 'a1' });
    expect(await t.telephony.originate(req('c1'), t.onEvent)).toEqual({ ok: true });
    await t.scheduler.advanceTo(8_500);
    expect(t.types('c1')).toEqual(['trying', 'ringing', 'answered', 'amd']);
    const bridging = t.telephony.bridge('c1', 'a1');
    await t.scheduler.advanceTo(200_000);
    expect(await bridging).toEqual({ ok: true });
    expect(t.types('c1')).toEqual(['trying', 'ringing', 'answered', 'amd', 'bridged', 'hangup']);
    const ev = t.events.get('c1') ?? [];
    expect(ev.at(-1)).toMatchObject({ type: 'hangup', by: 'remote', atMs: 8_500 + 40 + 60_000 });
    expect(checkCallEventSequence(ev, { complete: true })).toEqual([]);
  });

  it('maps busy, no answer and cancel to failures, and a late cancel to a hang-up', async () => {
    const t = setup({
      busy: { kind: 'failed', ringMs: 500, failAfterMs: 3_000, reason: 'busy', sipCause: 486 },
      silent: { kind: 'no_answer', ringMs: 1_000 },
      early: human,
      late: human,
    });
    for (const id of ['busy', 'silent', 'early', 'late']) await t.telephony.originate(req(id), t.onEvent);
    await t.scheduler.advanceTo(2_000);
    await t.telephony.cancel('early');
    await t.scheduler.advanceTo(6_000);
    await t.telephony.cancel('late');
    await t.scheduler.advanceTo(60_000);
    expect(t.events.get('busy')?.at(-1)).toMatchObject({ type: 'failed', reason: 'busy', sipCause: 486 });
    expect(t.events.get('silent')?.at(-1)).toMatchObject({ type: 'failed', reason: 'no-answer', atMs: 25_000 });
    expect(t.events.get('early')?.at(-1)).toMatchObject({ type: 'failed', reason: 'cancelled' });
    expect(t.types('late')).toEqual(['trying', 'ringing', 'answered', 'hangup']);
    for (const list of t.events.values()) expect(checkCallEventSequence(list, { complete: true })).toEqual([]);
  });

  it('hangs up a live person left waiting, refuses bridges to unknown agents and calls over capacity', async () => {
    const t = setup({ c1: human, c2: human }, { maxSessions: 1 });
    await t.telephony.originate(req('c1', false), t.onEvent);
    expect(await t.telephony.originate(req('c2'), t.onEvent)).toEqual({ ok: false, reason: 'no_capacity' });
    expect(await t.telephony.bridge('c1', 'a1')).toEqual({ ok: false, reason: 'not_answered' });
    await t.scheduler.advanceTo(6_000);
    expect(await t.telephony.bridge('c1', 'nobody')).toEqual({ ok: false, reason: 'agent_unavailable' });
    await t.scheduler.advanceTo(60_000);
    expect(t.events.get('c1')?.at(-1)).toMatchObject({ type: 'hangup', by: 'remote', atMs: 6_000 + 8_000 });
    expect(t.telephony.capacity().freeSessions).toBe(1);
  });

  it('draws outcomes in the proportions of the callee model', async () => {
    const t = setup({});
    const n = 4_000;
    for (let i = 0; i < n; i++) {
      await t.telephony.originate(req(`c${i}`), t.onEvent);
      await t.scheduler.advanceBy(10);
    }
    await t.scheduler.advanceTo(10_000_000);
    let answered = 0;
    let machines = 0;
    let noAnswer = 0;
    for (const list of t.events.values()) {
      expect(checkCallEventSequence(list, { complete: true })).toEqual([]);
      if (list.some((e) => e.type === 'answered')) answered++;
      if (list.some((e) => e.type === 'amd' && e.result === 'machine')) machines++;
      if (list.some((e) => e.type === 'failed' && e.reason === 'no-answer')) noAnswer++;
    }
    // Default model: 20 % human, 25 % machine answering 17-27 s after the dial (so a fifth of them
    // outlast the 25 s ring timeout), 40 % never answer. Expected: answered 0.40, machines 0.20,
    // no-answer 0.45; n = 4,000 gives a standard error under 0.008.
    expect(Math.abs(answered / n - 0.4)).toBeLessThan(0.03);
    expect(Math.abs(machines / n - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(noAnswer / n - 0.45)).toBeLessThan(0.03);
  });
});
