import { describe, expect, it } from 'vitest';
import { ABANDON_AFTER_GREETING_MS, CallSession, CONNECT_WITHIN_MS, MESSAGE_START_MARGIN_MS, type CallEffect } from '../../../src/domain/call/call-session.ts';

const callId = 'c1';
const make = (amdEnabled = true, machineAction: 'hangup' | 'voicemail' | 'agent' = 'hangup') =>
  new CallSession({ callId, amdEnabled, machineAction, beepTimeoutMs: 30_000 }, 0);
const types = (effects: CallEffect[]) => effects.map((e) => e.type);

describe('CallSession', () => {
  it('bridges a human classified by AMD and records the timestamps', () => {
    const s = make();
    s.onEvent({ type: 'ringing', callId, atMs: 500, earlyMedia: false });
    s.onEvent({ type: 'answered', callId, atMs: 9_000 });
    const amd = s.onEvent({ type: 'amd', callId, atMs: 11_500, result: 'human', decisionMs: 2_500 });
    expect(amd.effects).toEqual([{ type: 'reserve_agent', deadlineMs: 11_500 + CONNECT_WITHIN_MS }]);
    expect(types(s.offerAgent('a1', 11_600))).toEqual(['bridge']);
    s.onEvent({ type: 'bridged', callId, atMs: 11_650, agentId: 'a1' });
    const end = s.onEvent({ type: 'hangup', callId, atMs: 100_000, by: 'remote' }).effects;
    expect(end[0]).toEqual({ type: 'agent_call_ended', agentId: 'a1', talkMs: 100_000 - 11_650 });
    const ended = end[1];
    expect(ended?.type).toBe('ended');
    if (ended?.type !== 'ended') return;
    expect(ended.record).toMatchObject({ ringingAtMs: 500, answeredAtMs: 9_000, greetingEndedAtMs: 11_500, agentConnectedAtMs: 11_650, outcome: 'human', amdResult: 'human', abandoned: false, agentId: 'a1' });
    expect(ended.observation).toMatchObject({ result: 'human', abandoned: false, needsAgentAtMs: 11_500, connectedAtMs: 11_650 });
  });

  it('leaves the media server head-room to start the message inside the 2 seconds', () => {
    expect(ABANDON_AFTER_GREETING_MS).toBe(2000);
    expect(MESSAGE_START_MARGIN_MS).toBeGreaterThanOrEqual(250);
    expect(CONNECT_WITHIN_MS + MESSAGE_START_MARGIN_MS).toBe(ABANDON_AFTER_GREETING_MS);
    const s = make(false);
    expect(s.onEvent({ type: 'answered', callId, atMs: 5_000 }).effects).toEqual([{ type: 'reserve_agent', deadlineMs: 5_000 + ABANDON_AFTER_GREETING_MS - MESSAGE_START_MARGIN_MS }]);
    // Waiting the whole 2 s is too late: the message would start after the rule's limit.
    expect(types(s.tick(5_000 + ABANDON_AFTER_GREETING_MS - 1))).toEqual(['play_abandon_message', 'hangup']);
  });

  it('abandons a live answer with no agent 1.5 s after the greeting, plays the message and hangs up', () => {
    const s = make(false);
    s.onEvent({ type: 'answered', callId, atMs: 5_000 });
    expect(s.tick(5_000 + CONNECT_WITHIN_MS)).toEqual([]);
    expect(types(s.tick(5_000 + CONNECT_WITHIN_MS + 1))).toEqual(['play_abandon_message', 'hangup']);
    // An agent offered after the deadline goes back.
    expect(s.offerAgent('a1', 7_100)).toEqual([{ type: 'release_agent', agentId: 'a1' }]);
    const end = s.onEvent({ type: 'hangup', callId, atMs: 12_000, by: 'local' }).effects;
    const ended = end.find((e) => e.type === 'ended');
    expect(ended?.type === 'ended' && ended.record).toMatchObject({ abandoned: true, messagePlayed: true, outcome: 'human' });
  });

  it('abandons with the message a call whose agent vanished within 2 s of the connect; later it just hangs up', () => {
    const early = make(false);
    early.onEvent({ type: 'answered', callId, atMs: 1_000 });
    early.offerAgent('a1', 1_010);
    early.onEvent({ type: 'bridged', callId, atMs: 1_050, agentId: 'a1' });
    expect(early.phase).toBe('connected');
    expect(types(early.agentLost(1_200))).toEqual(['play_abandon_message', 'hangup']);
    const ended = early.onEvent({ type: 'hangup', callId, atMs: 5_000, by: 'local' }).effects;
    // The agent is given back (to wrap up), and the record counts an abandoned call with its message.
    expect(ended.find((e) => e.type === 'release_agent')).toEqual({ type: 'release_agent', agentId: 'a1' });
    const record = ended.find((e) => e.type === 'ended');
    expect(record?.type === 'ended' && record.record).toMatchObject({ abandoned: true, messagePlayed: true, outcome: 'human' });
    expect(record?.type === 'ended' && record.observation).toMatchObject({ abandoned: true });

    const late = make(false);
    late.onEvent({ type: 'answered', callId, atMs: 1_000 });
    late.offerAgent('a1', 1_010);
    late.onEvent({ type: 'bridged', callId, atMs: 1_050, agentId: 'a1' });
    expect(late.agentLost(1_050 + ABANDON_AFTER_GREETING_MS)).toEqual([{ type: 'hangup' }]);
    expect(late.record.abandoned).toBe(false);
    expect(make(false).agentLost(0)).toEqual([]);
  });

  it('hangs up machines or waits for the beep and drops a voicemail, per campaign', () => {
    const h = make(true, 'hangup');
    h.onEvent({ type: 'answered', callId, atMs: 1 });
    expect(types(h.onEvent({ type: 'amd', callId, atMs: 3_000, result: 'machine', decisionMs: 3_000 }).effects)).toEqual(['hangup']);
    const v = make(true, 'voicemail');
    v.onEvent({ type: 'answered', callId, atMs: 1 });
    expect(v.onEvent({ type: 'amd', callId, atMs: 3_000, result: 'machine', decisionMs: 3_000 }).effects).toEqual([{ type: 'wait_beep', untilMs: 33_000 }]);
    expect(types(v.onEvent({ type: 'beep', callId, atMs: 9_000 }).effects)).toEqual(['play_voicemail']);
    const end = v.onEvent({ type: 'hangup', callId, atMs: 40_000, by: 'local' }).effects.find((e) => e.type === 'ended');
    expect(end?.type === 'ended' && end.observation).toMatchObject({ result: 'machine', abandoned: false });
  });

  it('treats an AMD NOTSURE as a live person', () => {
    const s = make();
    s.onEvent({ type: 'answered', callId, atMs: 1 });
    expect(types(s.onEvent({ type: 'amd', callId, atMs: 2_000, result: 'unknown', decisionMs: 2_000 }).effects)).toEqual(['reserve_agent']);
  });

  it('maps failures to outcomes and refuses events that break the port invariants', () => {
    const s = make();
    const end = s.onEvent({ type: 'failed', callId, atMs: 3_000, reason: 'busy', sipCause: 486 }).effects.find((e) => e.type === 'ended');
    expect(end?.type === 'ended' && end.record).toMatchObject({ outcome: 'busy', sipCause: 486 });
    expect(s.onEvent({ type: 'answered', callId, atMs: 4_000 }).rejected).toBe(true);
  });

  it('releases a reserved agent when the callee hangs up during the bridge', () => {
    const s = make(false);
    s.onEvent({ type: 'answered', callId, atMs: 0 });
    s.offerAgent('a1', 100);
    const effects = s.onEvent({ type: 'hangup', callId, atMs: 150, by: 'remote' }).effects;
    expect(effects[0]).toEqual({ type: 'release_agent', agentId: 'a1' });
  });
});
