import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';
import { CARRIER, expectAudioBothWays, expectPlainPcmu, mediaDelta, skipLive, sleep, startLiveRig, type LiveRig } from './support/live-stack.ts';

/**
 * Audio through Pacer's drachtio adapter on the real stack (../shared/live-stack: drachtio-server,
 * FreeSWITCH with config/freeswitch, a SIPp carrier and an echoing SIPp agent phone). Run with
 * `npm run test:live` (PACER_LIVE_REQUIRED=1: a missing stack fails); `npm test` skips this file.
 *
 * Every call here fails when RTP does not flow both ways on a leg that should carry audio (the
 * counters are FreeSWITCH's own: `uuid_set_media_stats` on a live leg, `rtp_audio_*` on its
 * CHANNEL_HANGUP_COMPLETE), when SRTP is negotiated (`rtp_has_crypto` set), when a channel is
 * left behind, or when `close()` does not resolve in bounded time. ~50 packets/s flow each way;
 * the thresholds below ask for about half of what the timed windows give (a noisy 2-core machine).
 */
const BRIDGED_MS = 4000;
const MIN_BRIDGED_PACKETS = 100;

describe.skipIf(skipLive)('live media: audio flows on every leg, and nothing leaks', () => {
  let rig: LiveRig | undefined;
  const live = (): LiveRig => {
    if (!rig) throw new Error('the live rig did not start');
    return rig;
  };

  beforeAll(async () => {
    rig = await startLiveRig();
    expect(await rig.probe.channelCount(), 'FreeSWITCH channels before the suite').toBe(0);
  }, 30_000);

  afterEach(async () => {
    await rig?.cleanup();
  }, 20_000);

  afterAll(async () => {
    // close() bounded (it hung forever when bridged legs had no RTP timer), then 0 channels.
    await rig?.finish(8000);
  }, 30_000);

  /** Logs out and checks the agent leg's whole-life counters and that FreeSWITCH holds nothing. */
  async function logoutAndExpectClean(agentId: string, agentUuid: string, minAgentPackets: number): Promise<void> {
    const r = live();
    await r.telephony.agentLogout(agentId);
    expectAudioBothWays(await r.probe.hangupOf(agentUuid), minAgentPackets, `agent leg ${agentId}`);
    await r.probe.expectNoChannels();
  }

  it('human answer (AMD human) bridged to the agent phone: RTP both ways on both legs, plain PCMU', async () => {
    const r = live();
    const agentUuid = await r.loginAgent('agent-human');
    const call = await r.dial(CARRIER.human, { enabled: true });
    const answered = await call.rec.waitFor('answered', 10_000);
    const amd = await call.rec.waitFor('amd', 10_000);
    expect(amd).toMatchObject({ result: 'human' });
    expect(amd.atMs - answered.atMs).toBeLessThan(8000);

    const agentBefore = await r.probe.liveMedia(agentUuid);
    expect(await r.telephony.bridge(call.callId, 'agent-human')).toEqual({ ok: true });
    expect(call.rec.types()).toContain('bridged');
    await sleep(BRIDGED_MS);
    const agentBridged = mediaDelta(agentBefore, await r.probe.liveMedia(agentUuid));
    expectAudioBothWays(agentBridged, MIN_BRIDGED_PACKETS, 'agent leg while bridged');
    const customerLive = await r.probe.liveMedia(call.uuid());
    expectAudioBothWays(customerLive, MIN_BRIDGED_PACKETS, 'customer leg while bridged');

    await r.telephony.hangup(call.callId);
    expect(await call.rec.terminal(10_000)).toMatchObject({ type: 'hangup', by: 'local' });
    expectValidCompleteSequence(call.rec.events);
    const customer = await r.probe.hangupOf(call.uuid());
    expectAudioBothWays(customer, MIN_BRIDGED_PACKETS, 'customer leg at hangup');
    expect(customer.outPackets).toBeGreaterThanOrEqual(customerLive.outPackets);
    // The agent's nailed-up leg outlives the call (parked after the bridge) until the logout.
    await r.probe.expectOnlyChannels([agentUuid]);
    await logoutAndExpectClean('agent-human', agentUuid, MIN_BRIDGED_PACKETS);
  }, 60_000);

  it('183 early media, then the answer, bridged: the endpoint follows the SDP changes and audio flows both ways', async () => {
    const r = live();
    const agentUuid = await r.loginAgent('agent-early');
    const call = await r.dial(CARRIER.earlyMedia);
    const ringing = await call.rec.waitFor('ringing', 10_000);
    expect(ringing.earlyMedia).toBe(true);
    const answered = await call.rec.waitFor('answered', 10_000);
    // The carrier answers 2 s after its 183 (loose lower bound, no upper bound beyond the guard).
    expect(answered.atMs - ringing.atMs).toBeGreaterThanOrEqual(1500);

    const agentBefore = await r.probe.liveMedia(agentUuid);
    expect(await r.telephony.bridge(call.callId, 'agent-early')).toEqual({ ok: true });
    await sleep(BRIDGED_MS);
    expectAudioBothWays(mediaDelta(agentBefore, await r.probe.liveMedia(agentUuid)), MIN_BRIDGED_PACKETS, 'agent leg while bridged');
    await r.telephony.hangup(call.callId);
    await call.rec.terminal(10_000);
    expectValidCompleteSequence(call.rec.events);
    expectAudioBothWays(await r.probe.hangupOf(call.uuid()), MIN_BRIDGED_PACKETS, 'customer leg');
    await logoutAndExpectClean('agent-early', agentUuid, MIN_BRIDGED_PACKETS);
  }, 60_000);

  it('remote hangup while bridged (carrier BYE): hangup by remote, audio both ways until then, the agent leg survives', async () => {
    const r = live();
    const agentUuid = await r.loginAgent('agent-remote');
    const call = await r.dial(CARRIER.remoteHangup);
    const answered = await call.rec.waitFor('answered', 10_000);
    expect(await r.telephony.bridge(call.callId, 'agent-remote')).toEqual({ ok: true });
    // The carrier streams 2.8 s of speech and 4 s of silence and sends BYE 6 s after its answer.
    const end = await call.rec.terminal(20_000);
    expect(end).toMatchObject({ type: 'hangup', by: 'remote' });
    expect(end.atMs - answered.atMs).toBeGreaterThanOrEqual(5000);
    expectValidCompleteSequence(call.rec.events);
    expectAudioBothWays(await r.probe.hangupOf(call.uuid()), MIN_BRIDGED_PACKETS, 'customer leg');
    await r.probe.expectOnlyChannels([agentUuid]);
    // The agent can take the next call on the same leg.
    const next = await r.dial(CARRIER.human);
    await next.rec.waitFor('answered', 10_000);
    expect(await r.telephony.bridge(next.callId, 'agent-remote')).toEqual({ ok: true });
    await sleep(2000);
    await r.telephony.hangup(next.callId);
    await next.rec.terminal(10_000);
    expectAudioBothWays(await r.probe.hangupOf(next.uuid()), 40, 'customer leg of the next call');
    await logoutAndExpectClean('agent-remote', agentUuid, MIN_BRIDGED_PACKETS);
  }, 60_000);

  it('voicemail: AMD machine, the beep, then a message the carrier receives as audio', async () => {
    const r = live();
    const call = await r.dial(CARRIER.voicemail, { enabled: true, detectBeep: true });
    const answered = await call.rec.waitFor('answered', 10_000);
    const amd = await call.rec.waitFor('amd', 12_000);
    expect(amd).toMatchObject({ result: 'machine' });
    // The greeting lasts 5 s, the beep comes ~6.2 s after the answer.
    const beep = await call.rec.waitFor('beep', 15_000);
    expect(beep.atMs - answered.atMs).toBeGreaterThanOrEqual(4000);
    const before = await r.probe.liveMedia(call.uuid());
    await r.telephony.playPrompt(call.callId, { file: 'tone_stream://%(2000,0,440)' });
    const played = mediaDelta(before, await r.probe.liveMedia(call.uuid()));
    expectPlainPcmu(played, 'customer leg during the message');
    expect(played.outPackets, 'RTP packets of the message sent to the carrier').toBeGreaterThanOrEqual(50);
    await r.telephony.hangup(call.callId);
    await call.rec.terminal(10_000);
    expectValidCompleteSequence(call.rec.events);
    const leg = await r.probe.hangupOf(call.uuid());
    // The greeting and beep came in (~6 s); the message went out.
    expect(leg.inPackets, 'RTP packets of the greeting received').toBeGreaterThanOrEqual(150);
    expect(leg.outPackets).toBeGreaterThanOrEqual(50);
    await r.probe.expectNoChannels();
  }, 60_000);

  it('an answer with no RTP at all, bridged: the hangup still tears both legs down (no blocked read, no leak)', async () => {
    const r = live();
    const agentUuid = await r.loginAgent('agent-dead');
    const call = await r.dial(CARRIER.noRtp);
    await call.rec.waitFor('answered', 10_000);
    expect(await r.telephony.bridge(call.callId, 'agent-dead')).toEqual({ ok: true });
    await sleep(1500);
    await r.telephony.hangup(call.callId);
    await call.rec.terminal(10_000);
    const leg = await r.probe.hangupOf(call.uuid());
    expectPlainPcmu(leg, 'customer leg');
    expect(leg.inPackets, 'the carrier sends nothing on behaviour 7').toBe(0);
    await r.probe.expectOnlyChannels([agentUuid]);
    await r.telephony.agentLogout('agent-dead');
    await r.probe.hangupOf(agentUuid);
    await r.probe.expectNoChannels();
  }, 60_000);
});
