import { afterEach, describe, expect, it } from 'vitest';
import { isPacerError } from '../../src/domain/pacer-error.ts';
import type { AgentLegLost, OriginateRequest } from '../../src/domain/ports/telephony-port.ts';
import { validateDrachtioAdapterOptions, trunkRequestUri } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { sipFailureReason } from '../../src/adapters/telephony/drachtio/sip-failure-reason.ts';
import { CallRecorder, expectValidCompleteSequence, uniqueNumber } from '../contract/telephony-port.contract.ts';
import { audioSdp, header } from './support/sip-text.ts';
import { startDrachtioRig, waitUntil, type DrachtioRig } from './support/drachtio-test-rig.ts';

let rig: DrachtioRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

let seq = 0;
function request(to: string, overrides: Partial<OriginateRequest> = {}): OriginateRequest {
  seq += 1;
  return { callId: `drachtio-${Date.now().toString(36)}-${seq}`, to, callerId: '+12125550199', ringTimeoutMs: 20_000, amd: { enabled: true }, ...overrides };
}

async function answeredCall(r: DrachtioRig, opts: { earlyMedia?: 'none' | 'same-sdp' | 'other-sdp'; req?: Partial<OriginateRequest> } = {}) {
  const to = uniqueNumber();
  r.double.script(to, { kind: 'answer', afterMs: 1000, earlyMedia: opts.earlyMedia ?? 'none' });
  const rec = new CallRecorder();
  const req = request(to, opts.req);
  expect(await r.telephony.originate(req, rec.onEvent)).toEqual({ ok: true });
  await rec.waitFor('ringing');
  await r.timers.advance(1000);
  await rec.waitFor('answered');
  return { to, rec, req };
}

function media(r: DrachtioRig, i = 0) {
  const m = r.media[i];
  if (!m) throw new Error(`no media server ${i}`);
  return m;
}

describe('drachtio adapter: SIP and media', () => {
  it('sends the endpoint SDP and the caller ID to the trunk, ACKs the 200 and points the endpoint at the answer', async () => {
    rig = await startDrachtioRig();
    const { to, rec, req } = await answeredCall(rig);
    const call = rig.double.lastCall(to);
    const endpoint = media(rig).endpoints[0];
    expect(call.invite?.startLine).toBe(`INVITE sip:${to}@carrier.example.com:5060 SIP/2.0`);
    expect(call.invite?.body).toContain('s=fs-fs1-ep-1');
    expect(call.from).toContain('sip:+12125550199@');
    expect(call.invite && header(call.invite, 'X-Pacer-Call-Id')).toBe(req.callId);
    await waitUntil(() => call.trace.includes('>ACK'), 'the ACK');
    expect(endpoint?.remoteSdps).toEqual([call.answerSdp]);
    await rig.telephony.hangup(req.callId);
    await rec.terminal();
    await waitUntil(() => call.trace.includes('>BYE'), 'the BYE');
    expect(endpoint?.destroyed).toBe(true);
  });

  it('re-points the endpoint when the 183 and 200 SDPs differ, and only once when they match', async () => {
    rig = await startDrachtioRig();
    const differing = await answeredCall(rig, { earlyMedia: 'other-sdp' });
    expect(differing.rec.events.find((e) => e.type === 'ringing')).toMatchObject({ earlyMedia: true });
    const first = media(rig).endpoints[0];
    await waitUntil(() => (first?.remoteSdps.length ?? 0) === 2, 'two SDP updates');
    expect(first?.remoteSdps[1]).toBe(rig.double.lastCall(differing.to).answerSdp);
    await answeredCall(rig, { earlyMedia: 'same-sdp' });
    await rig.timers.advance(0);
    expect(media(rig).endpoints[1]?.remoteSdps).toHaveLength(1);
  });

  it("answers the callee's re-INVITE with the endpoint's new SDP", async () => {
    rig = await startDrachtioRig();
    const { to } = await answeredCall(rig);
    const call = rig.double.lastCall(to);
    const endpoint = media(rig).endpoints[0];
    const newSdp = audioSdp(`callee-${to}`, 31_000, 2);
    rig.double.sendReinvite(to, newSdp);
    await waitUntil(() => call.appResponses.length > 0, "the app's answer to the re-INVITE");
    expect(call.appResponses[0]?.startLine).toBe('SIP/2.0 200 OK');
    expect(endpoint?.remoteSdps.at(-1)).toBe(newSdp);
    expect(call.appResponses[0]?.body).toBe(endpoint?.localSdp);
  });

  it('reports amd unknown on timeout, when not configured, and where mod_amd is missing', async () => {
    rig = await startDrachtioRig();
    const timedOut = await answeredCall(rig);
    await rig.timers.advance(6000);
    expect(await timedOut.rec.waitFor('amd')).toMatchObject({ result: 'unknown', cause: 'TIMEOUT', decisionMs: 6000 });
    await rig.close();

    rig = await startDrachtioRig({ amd: { engine: 'none' } });
    const none = await answeredCall(rig);
    expect(await none.rec.waitFor('amd')).toMatchObject({ result: 'unknown', cause: 'NOT_CONFIGURED' });
    await rig.close();

    rig = await startDrachtioRig({ mediaServers: [{ hasModAmd: false }] });
    const missing = await answeredCall(rig);
    expect(await missing.rec.waitFor('amd')).toMatchObject({ result: 'unknown', cause: 'NOT_AVAILABLE' });
  });

  it('reports a voicemail beep when asked to detect it', async () => {
    rig = await startDrachtioRig();
    const to = uniqueNumber();
    media(rig).scriptCallee(to, { amd: { result: 'machine', cause: 'LONGGREETING', afterMs: 2500 }, beepAfterMs: 9000 });
    rig.double.script(to, { kind: 'answer', afterMs: 500 });
    const rec = new CallRecorder();
    await rig.telephony.originate(request(to, { amd: { enabled: true, detectBeep: true } }), rec.onEvent);
    await rec.waitFor('ringing');
    await rig.timers.advance(500);
    await rec.waitFor('answered');
    await rig.timers.advance(9000);
    await rec.waitFor('beep');
    expect(rec.types().slice(-3)).toEqual(['answered', 'amd', 'beep']);
    await rig.telephony.playPrompt(rec.events[0]?.callId ?? '', { file: '/prompts/vm-drop.wav' });
    expect(media(rig).endpoints[0]?.played).toEqual(['/prompts/vm-drop.wav']);
  });

  it('plays prompts only on calls in progress and reports a failing playback', async () => {
    rig = await startDrachtioRig();
    const { req } = await answeredCall(rig);
    await expect(rig.telephony.playPrompt('nope', { file: '/a.wav' })).rejects.toSatisfy((e) => isPacerError(e, 'NOT_FOUND'));
    await expect(rig.telephony.playPrompt(req.callId, { file: '/prompts/missing.wav' })).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
    // Found but 0 ms played (an unreadable format): not played either, so the record can say so.
    await expect(rig.telephony.playPrompt(req.callId, { file: '/prompts/silent.wav' })).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
  });
});

describe('drachtio adapter: capacity', () => {
  it('enforces the calls-per-second bucket before creating endpoints', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ maxCps: 2 }] });
    const results = [];
    for (let i = 0; i < 3; i += 1) {
      const to = uniqueNumber();
      rig.double.script(to, { kind: 'no-answer' });
      results.push(await rig.telephony.originate(request(to), () => undefined));
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toEqual({ ok: false, reason: 'no_capacity' });
    expect(media(rig).endpoints).toHaveLength(2);
    expect(rig.telephony.capacity().cpsTokens).toBe(0);
    await rig.timers.advance(1000);
    expect(rig.telephony.capacity().cpsTokens).toBe(2);
  });

  it('enforces the session limit, the tighter of config and the FreeSWITCH heartbeat', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ maxSessions: 3 }] });
    media(rig).heartbeatMaxSessions = 1;
    expect(rig.telephony.capacity().freeSessions).toBe(1);
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'reject', status: 486, reason: 'Busy Here', afterMs: 10 });
    const rec = new CallRecorder();
    const first = request(to);
    expect(await rig.telephony.originate(first, rec.onEvent)).toEqual({ ok: true });
    expect(await rig.telephony.originate(request(uniqueNumber()), () => undefined)).toEqual({ ok: false, reason: 'no_capacity' });
    await rec.waitFor('trying');
    await rig.timers.advance(10);
    await rec.terminal();
    await waitUntil(() => rig?.telephony.capacity().freeSessions === 1, 'the session to be released');
  });

  it('rejects bad requests naming the field, and reports not_ready without media', async () => {
    rig = await startDrachtioRig();
    await expect(rig.telephony.originate(request('12345'), () => undefined)).rejects.toSatisfy((e) => isPacerError(e, 'VALIDATION_FAILED') && e.issues.some((i) => i.field === 'to'));
    media(rig).disconnect();
    expect(rig.telephony.ready()).toBe(false);
    expect(await rig.telephony.originate(request(uniqueNumber()), () => undefined)).toEqual({ ok: false, reason: 'not_ready' });
    expect(rig.telephony.capacity()).toEqual({ freeSessions: 0, cpsTokens: 0 });
  });
});

describe('drachtio adapter: connection loss and reconciliation', () => {
  it('closes every in-flight call when drachtio drops, then reconnects', async () => {
    rig = await startDrachtioRig();
    const answered = await answeredCall(rig, { req: { amd: { enabled: false } } });
    const ringingTo = uniqueNumber();
    rig.double.script(ringingTo, { kind: 'no-answer' });
    const ringing = new CallRecorder();
    await rig.telephony.originate(request(ringingTo), ringing.onEvent);
    await ringing.waitFor('ringing');
    rig.double.script('agent-5', { kind: 'answer', afterMs: 0 });
    const lost: AgentLegLost[] = [];
    await rig.telephony.agentLogin({ agentId: 'agent-5', contact: 'sip:agent-5@192.0.2.45:5062' }, (l) => lost.push(l));
    const authBefore = rig.double.authentications;
    rig.double.dropConnections();
    expect(await answered.rec.terminal()).toMatchObject({ type: 'hangup', by: 'system' });
    expect(await ringing.terminal()).toMatchObject({ type: 'failed', reason: 'error' });
    await waitUntil(() => lost.length === 1, 'the agent reported lost');
    expect(lost).toEqual([{ agentId: 'agent-5', cause: 'signaling', atMs: rig.clock.nowMs() }]);
    expectValidCompleteSequence(answered.rec.events);
    expectValidCompleteSequence(ringing.events);
    expect(media(rig).endpoints.every((e) => e.destroyed)).toBe(true);
    const r = rig;
    await waitUntil(() => r.double.authentications > authBefore && r.telephony.ready(), 'the reconnect');
  });

  it('closes the calls of a lost media server with BYE to the callee, and logs its agents out', async () => {
    rig = await startDrachtioRig();
    rig.double.script('agent-1', { kind: 'answer', afterMs: 0 });
    const lost: AgentLegLost[] = [];
    await rig.telephony.agentLogin({ agentId: 'agent-1', contact: 'sip:agent-1@192.0.2.41:5062' }, (l) => lost.push(l));
    const { to, rec, req } = await answeredCall(rig);
    media(rig).disconnect();
    expect(await rec.terminal()).toMatchObject({ type: 'hangup', by: 'system' });
    expect(lost).toMatchObject([{ agentId: 'agent-1', cause: 'media' }]);
    const call = rig.double.lastCall(to);
    await waitUntil(() => call.trace.includes('>BYE'), 'the BYE to the callee');
    media(rig).reconnect();
    expect(await rig.telephony.bridge(req.callId, 'agent-1')).toEqual({ ok: false, reason: 'call_gone' });
    const second = await answeredCall(rig);
    expect(await rig.telephony.bridge(second.req.callId, 'agent-1')).toEqual({ ok: false, reason: 'agent_unavailable' });
  });

  it('hangs up (system) when FreeSWITCH drops the channel, and fails when no endpoint can be created', async () => {
    rig = await startDrachtioRig();
    const { to, rec } = await answeredCall(rig);
    media(rig).endpoints[0]?.endBySwitch('MEDIA_TIMEOUT');
    expect(await rec.terminal()).toMatchObject({ type: 'hangup', by: 'system' });
    await waitUntil(() => rig?.double.lastCall(to).trace.includes('>BYE') === true, 'the BYE');

    media(rig).failNextCreate = true;
    const failed = new CallRecorder();
    await rig.telephony.originate(request(uniqueNumber()), failed.onEvent);
    expect(await failed.terminal()).toMatchObject({ type: 'failed', reason: 'error' });
    expect(failed.types()).toEqual(['failed']);
  });
});

describe('drachtio adapter: early cancel', () => {
  it('cancels before the INVITE leaves without ringing anyone, and releases the endpoint', async () => {
    rig = await startDrachtioRig();
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'answer', afterMs: 1000 });
    const rec = new CallRecorder();
    const req = request(to);
    media(rig).holdCreates = true;
    await rig.telephony.originate(req, rec.onEvent);
    await rig.telephony.cancel(req.callId);
    media(rig).releaseCreates();
    expect(await rec.terminal()).toMatchObject({ type: 'failed', reason: 'cancelled' });
    expect(rec.types()).toEqual(['failed']);
    expect(rig.double.calls.filter((c) => c.user === to)).toEqual([]);
    expect(media(rig).endpoints[0]?.destroyed).toBe(true);
    expect(rig.telephony.capacity().freeSessions).toBe(100);
  });
});

describe('drachtio adapter: shutdown', () => {
  it('closes every open call record on close(): answered ones hang up, ringing ones are cancelled', async () => {
    rig = await startDrachtioRig();
    const answered = await answeredCall(rig);
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'no-answer' });
    const ringing = new CallRecorder();
    await rig.telephony.originate(request(to), ringing.onEvent);
    await ringing.waitFor('ringing');
    await rig.telephony.close();
    expect(await answered.rec.terminal()).toMatchObject({ type: 'hangup', by: 'local' });
    expect(await ringing.terminal()).toMatchObject({ type: 'failed', reason: 'cancelled' });
    expect(rig.telephony.ready()).toBe(false);
    await rig.telephony.close();
  });
});

describe('drachtio adapter: agents and logging', () => {
  it('parks agents on a nailed-up leg and bridges only calls on their media server', async () => {
    rig = await startDrachtioRig({ mediaServers: [{}, {}] });
    rig.double.script('agent-2', { kind: 'answer', afterMs: 0 });
    await rig.telephony.agentLogin({ agentId: 'agent-2', contact: 'sip:agent-2@192.0.2.42:5062' });
    const agentServer = rig.media.find((m) => m.endpoints.length === 1);
    const agentLeg = agentServer?.endpoints[0];
    expect(agentLeg?.variables).toMatchObject({ park_after_bridge: 'true', hangup_after_bridge: 'false' });
    // The customer endpoint goes where the idle agent is.
    const { req, rec } = await answeredCall(rig);
    expect(agentServer?.endpoints).toHaveLength(2);
    expect(await rig.telephony.bridge(req.callId, 'agent-2')).toEqual({ ok: true });
    expect(agentServer?.endpoints[1]?.bridgedWith).toBe(agentLeg?.uuid);
    expect(await rig.telephony.bridge(req.callId, 'agent-2')).toEqual({ ok: false, reason: 'agent_unavailable' });
    await rig.telephony.hangup(req.callId);
    await rec.terminal();
    expect(agentLeg?.destroyed).toBe(false);
    await expect(rig.telephony.agentLogin({ agentId: 'agent-3', contact: 'not-a-uri' })).rejects.toSatisfy((e) => isPacerError(e, 'VALIDATION_FAILED'));
    rig.double.script('agent-4', { kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    await expect(rig.telephony.agentLogin({ agentId: 'agent-4', contact: 'sip:agent-4@192.0.2.44' })).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
    await rig.telephony.agentLogout('agent-2');
    expect(agentLeg?.destroyed).toBe(true);
  });

  it('reports an agent whose softphone hangs up while bridged, tolerates a throwing handler, and reports nobody on close', async () => {
    rig = await startDrachtioRig();
    rig.double.script('agent-6', { kind: 'answer', afterMs: 0 });
    rig.double.script('agent-7', { kind: 'answer', afterMs: 0 });
    const lost: AgentLegLost[] = [];
    await rig.telephony.agentLogin({ agentId: 'agent-6', contact: 'sip:agent-6@192.0.2.46:5062' }, () => {
      throw new Error('handler bug');
    });
    await rig.telephony.agentLogin({ agentId: 'agent-7', contact: 'sip:agent-7@192.0.2.47:5062' }, (l) => lost.push(l));
    const { req, rec } = await answeredCall(rig);
    expect(await rig.telephony.bridge(req.callId, 'agent-6')).toEqual({ ok: true });
    rig.double.sendBye('agent-6');
    const r = rig;
    await waitUntil(() => r.logger.entries.some((e) => e.msg === 'the agent-lost handler threw'), 'the handler error to be logged');
    // The customer's call is not ended by the adapter: the runtime decides.
    expect(rec.types()).not.toContain('hangup');
    await rig.telephony.hangup(req.callId);
    await rec.terminal();
    await rig.telephony.close();
    expect(lost).toEqual([]);
  });

  it('logs per call with the callId and never the full number above debug level', async () => {
    rig = await startDrachtioRig();
    const { to, req } = await answeredCall(rig);
    const callEntries = rig.logger.entries.filter((e) => e.bindings.callId === req.callId);
    expect(callEntries.some((e) => e.msg === 'originating')).toBe(true);
    const visible = rig.logger.entries.filter((e) => e.level !== 'debug');
    expect(JSON.stringify(visible)).not.toContain(to);
    expect(JSON.stringify(visible)).not.toContain('+12125550199');
  });
});

describe('drachtio adapter: configuration', () => {
  it('names every bad field', () => {
    try {
      validateDrachtioAdapterOptions({
        drachtio: { host: '', port: 70_000, secret: 'x' },
        mediaServers: [],
        trunk: { uri: 'carrier.example.com' },
        amd: { engine: 'mod_amd', timeoutMs: 0 },
        beep: { engine: 'none' },
      });
      expect.unreachable();
    } catch (err) {
      expect(isPacerError(err, 'CONFIG_INVALID')).toBe(true);
      const fields = isPacerError(err) ? err.issues.map((i) => i.field) : [];
      expect(fields).toEqual(['telephony.drachtio.host', 'telephony.drachtio.port', 'telephony.mediaServers', 'telephony.trunk.uri', 'telephony.amd.timeoutMs']);
    }
  });

  it('builds trunk URIs and maps SIP failures', () => {
    expect(trunkRequestUri('sip:carrier.example.com:5060', '+12125550100')).toBe('sip:+12125550100@carrier.example.com:5060');
    expect(trunkRequestUri('sip:{to}@10.0.0.9;transport=tcp', '+44207')).toBe('sip:+44207@10.0.0.9;transport=tcp');
    expect([486, 600, 404, 484, 480, 408, 487, 503, 403].map(sipFailureReason)).toEqual(['busy', 'busy', 'invalid', 'invalid', 'unavailable', 'unavailable', 'cancelled', 'congestion', 'error']);
  });
});
