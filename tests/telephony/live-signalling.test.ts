import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLegLost } from '../../src/domain/ports/telephony-port.ts';
import { expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';
import { CARRIER, skipLive, sleep, startLiveRig, type LiveRig } from './support/live-stack.ts';
import { carrierTrace, dialogTo } from './support/sip-trace.ts';
import { SippPhone } from './support/sipp-phone.ts';

/**
 * SIP outcomes on the real stack, measured where it matters: the failure each carrier response
 * maps to, the CANCEL of an unanswered call **on the carrier's side of the wire** (SIPp's own
 * message trace) at the ring timeout, and an agent's softphone hanging its leg up. Every test
 * ends with 0 FreeSWITCH channels. `npm run test:live` (PACER_LIVE_REQUIRED=1) or skipped.
 */

/** A number of the carrier's behaviour `digit` that no other test dials (the trace is searched by it). */
function uniqueNumber(digit: string): string {
  const middle = String(Date.now() % 10_000_000).padStart(7, '0');
  return `+1555${middle}${digit}`;
}

describe.skipIf(skipLive)('live signalling: failures, ring timeout, cancel, the agent phone hanging up', () => {
  let rig: LiveRig | undefined;
  const live = (): LiveRig => {
    if (!rig) throw new Error('the live rig did not start');
    return rig;
  };

  beforeAll(async () => {
    rig = await startLiveRig();
  }, 30_000);
  afterEach(async () => {
    await rig?.cleanup();
  }, 20_000);
  afterAll(async () => {
    await rig?.finish(8000);
  }, 30_000);

  it.each([
    ['busy (486)', CARRIER.busy, 'busy', 486],
    ['not found (404)', CARRIER.notFound, 'invalid', 404],
    ['service unavailable (503)', CARRIER.congestion, 'congestion', 503],
    ['temporarily unavailable (480)', CARRIER.unavailable, 'unavailable', 480],
  ] as const)('%s: one failed event with its reason and SIP cause, the endpoint released', async (_what, to, reason, status) => {
    const r = live();
    const call = await r.dial(to);
    const end = await call.rec.terminal(10_000);
    expect(end).toMatchObject({ type: 'failed', reason, sipCause: status });
    expectValidCompleteSequence(call.rec.events);
    expect(call.rec.types()).not.toContain('answered');
    await r.probe.expectNoChannels();
  });

  it('no answer: CANCEL on the wire at the 15 s ring timeout, the carrier answers 487, the call fails no-answer', async () => {
    const r = live();
    const to = uniqueNumber('2');
    const ringTimeoutMs = 15_000;
    const call = await r.dial(to, { enabled: false }, ringTimeoutMs);
    await call.rec.waitFor('ringing', 10_000);
    const end = await call.rec.terminal(ringTimeoutMs + 10_000);
    expect(end).toMatchObject({ type: 'failed', reason: 'no-answer' });
    expectValidCompleteSequence(call.rec.events);
    await r.probe.expectNoChannels();

    const dialog = dialogTo(await carrierTrace(r.env.liveDir), to.slice(1));
    const invite = dialog.find((m) => m.kind === 'INVITE' && m.direction === 'received');
    const cancel = dialog.find((m) => m.kind === 'CANCEL' && m.direction === 'received');
    expect(invite, `the carrier received the INVITE to ${to}`).toBeDefined();
    expect(cancel, `the carrier received a CANCEL for ${to}`).toBeDefined();
    const ringMs = (cancel?.atMs ?? 0) - (invite?.atMs ?? 0);
    // At the ring timeout, not before it (and not long after: a few hundred ms of scheduling).
    expect(ringMs).toBeGreaterThanOrEqual(ringTimeoutMs);
    expect(ringMs).toBeLessThan(ringTimeoutMs + 2000);
    expect(dialog.filter((m) => m.direction === 'sent').map((m) => m.kind)).toEqual(expect.arrayContaining(['180', '200', '487']));
    expect(dialog.some((m) => m.kind === 'ACK' && m.direction === 'received'), 'the caller ACKs the 487').toBe(true);
  }, 40_000);

  it('explicit cancel while ringing: CANCEL on the wire, one failed cancelled event', async () => {
    const r = live();
    const to = uniqueNumber('2');
    const call = await r.dial(to);
    await call.rec.waitFor('ringing', 10_000);
    await sleep(500);
    await r.telephony.cancel(call.callId);
    expect(await call.rec.terminal(10_000)).toMatchObject({ type: 'failed', reason: 'cancelled' });
    expectValidCompleteSequence(call.rec.events);
    await r.probe.expectNoChannels();
    const dialog = dialogTo(await carrierTrace(r.env.liveDir), to.slice(1));
    expect(dialog.some((m) => m.kind === 'CANCEL' && m.direction === 'received')).toBe(true);
  }, 30_000);

  it("the agent's softphone hangs up its nailed-up leg: onLost once (remote), the agent can no longer be bridged", async () => {
    const r = live();
    const phone = await SippPhone.start(r.env.liveDir, 2500);
    try {
      const lost: AgentLegLost[] = [];
      r.media.nextRole = 'agent:agent-bye';
      await r.telephony.agentLogin({ agentId: 'agent-bye', contact: phone.contact }, (l) => lost.push(l));
      r.media.nextRole = 'customer';
      const agentUuid = r.media.uuidOf('agent:agent-bye');
      const deadline = Date.now() + 10_000;
      while (lost.length === 0 && Date.now() < deadline) await sleep(100);
      expect(lost).toMatchObject([{ agentId: 'agent-bye', cause: 'remote' }]);
      await r.probe.hangupOf(agentUuid);

      // A call answered now cannot reach that agent.
      const call = await r.dial(CARRIER.human);
      await call.rec.waitFor('answered', 10_000);
      expect(await r.telephony.bridge(call.callId, 'agent-bye')).toEqual({ ok: false, reason: 'agent_unavailable' });
      await r.telephony.hangup(call.callId);
      await call.rec.terminal(10_000);
      await sleep(500);
      expect(lost, 'onLost is called once').toHaveLength(1);
      await r.probe.expectNoChannels();
    } finally {
      await phone.stop();
    }
  }, 40_000);
});
