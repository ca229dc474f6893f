import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';
import { CARRIER, expectAudioBothWays, mediaDelta, skipLive, sleep, startLiveRig, type LiveRig } from './support/live-stack.ts';

/**
 * Warm endpoints (`mediaServers[].warmEndpoints`, PACER_MEDIA_WARM_ENDPOINTS) on the real stack:
 * FreeSWITCH endpoints created ahead of the calls, given back by calls the carrier refuses. A busy
 * call must not make FreeSWITCH create any session (its own count, `status`: "N session(s) since
 * startup", and the channel set stay the same), an answered call must carry audio both ways once
 * bridged, and close() must leave FreeSWITCH with 0 channels (the idle pool included).
 */
const WARM = 3;
const BRIDGED_MS = 3000;
const MIN_BRIDGED_PACKETS = 75;

describe.skipIf(skipLive)('live warm endpoints: busy calls create no FreeSWITCH session, answered calls carry audio', () => {
  let rig: LiveRig | undefined;
  const live = (): LiveRig => {
    if (!rig) throw new Error('the live rig did not start');
    return rig;
  };

  /** FreeSWITCH's own count of the sessions it has created since it started. */
  async function sessionsSinceStartup(): Promise<number> {
    const body = await live().probe.api('status');
    const match = /(\d+)\s+session\(s\) since startup/.exec(body);
    if (!match) throw new Error(`unexpected 'status' reply: ${body}`);
    return Number(match[1]);
  }

  async function waitForChannels(count: number, limitMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + limitMs;
    let uuids = await live().probe.channelUuids();
    while (uuids.length !== count && Date.now() < deadline) {
      await sleep(100);
      uuids = await live().probe.channelUuids();
    }
    expect(uuids, `FreeSWITCH channels: ${await live().probe.describeChannels()}`).toHaveLength(count);
    return uuids.sort();
  }

  beforeAll(async () => {
    rig = await startLiveRig({}, { warmEndpoints: WARM });
  }, 30_000);

  afterEach(async () => {
    await rig?.cleanup();
  }, 20_000);

  afterAll(async () => {
    // close() bounded, and the idle warm endpoints are hung up with everything else.
    await rig?.finish(8000);
  }, 30_000);

  it('busy (486) calls reuse the warm endpoints: FreeSWITCH creates no session for them', async () => {
    const r = live();
    const pool = await waitForChannels(WARM);
    const createdBefore = await sessionsSinceStartup();
    const tappedBefore = r.media.created.length;
    for (let i = 0; i < 4; i++) {
      const call = await r.dial(CARRIER.busy);
      expect(await call.rec.terminal(10_000)).toMatchObject({ type: 'failed', reason: 'busy', sipCause: 486 });
      expectValidCompleteSequence(call.rec.events);
      // The INVITE offered one of the warm endpoints.
      expect(pool).toContain(call.uuid());
    }
    await sleep(300);
    expect(await sessionsSinceStartup(), 'FreeSWITCH sessions created by busy calls').toBe(createdBefore);
    expect(r.media.created.length, 'endpoints the adapter created').toBe(tappedBefore);
    expect((await r.probe.channelUuids()).sort()).toEqual(pool);
    // None of them was hung up: no CHANNEL_HANGUP_COMPLETE for a pool endpoint.
    expect(pool.filter((uuid) => r.probe.hangups.has(uuid))).toEqual([]);
  }, 60_000);

  it('an answered call on a warm endpoint is bridged with RTP both ways; the pool refills and its endpoint is released', async () => {
    const r = live();
    await waitForChannels(WARM);
    const agentUuid = await r.loginAgent('agent-warm');
    const call = await r.dial(CARRIER.human, { enabled: true });
    await call.rec.waitFor('answered', 10_000);
    expect(await call.rec.waitFor('amd', 10_000)).toMatchObject({ result: 'human' });
    const agentBefore = await r.probe.liveMedia(agentUuid);
    const customerBefore = await r.probe.liveMedia(call.uuid());
    expect(await r.telephony.bridge(call.callId, 'agent-warm')).toEqual({ ok: true });
    await sleep(BRIDGED_MS);
    expectAudioBothWays(mediaDelta(agentBefore, await r.probe.liveMedia(agentUuid)), MIN_BRIDGED_PACKETS, 'agent leg while bridged');
    expectAudioBothWays(mediaDelta(customerBefore, await r.probe.liveMedia(call.uuid())), MIN_BRIDGED_PACKETS, 'customer leg (warm endpoint) while bridged');
    // The pool refilled behind the answered call: WARM idle + the customer leg + the agent leg.
    await waitForChannels(WARM + 2);

    await r.telephony.hangup(call.callId);
    expect(await call.rec.terminal(10_000)).toMatchObject({ type: 'hangup', by: 'local' });
    expectValidCompleteSequence(call.rec.events);
    expectAudioBothWays(await r.probe.hangupOf(call.uuid()), MIN_BRIDGED_PACKETS, 'customer leg at hangup');
    await r.telephony.agentLogout('agent-warm');
    await r.probe.hangupOf(agentUuid);
    await waitForChannels(WARM);
  }, 60_000);
});
