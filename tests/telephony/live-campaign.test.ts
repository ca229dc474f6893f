import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipLive, sleep, startLiveRig, type LegMedia, type LiveRig } from './support/live-stack.ts';
import { daytimeZone, startLiveDialer, type LiveDialer } from './support/live-dialer.ts';
import { SippPhone } from './support/sipp-phone.ts';

/**
 * The engine on the real stack: a campaign of 60 leads dialed by Pacer's runtime (ratio pacing,
 * AMD off) through drachtio-server and FreeSWITCH to the SIPp carrier, with three agents on real
 * SIP legs to the SIPp agent phone and a fourth whose softphone hangs up its leg. It fails when a
 * record is left open or says what did not happen, when an abandoned call's identification
 * message does not start within 2 s of the answer or sends no audio, when a bridged call carries
 * no audio both ways, when the agent whose leg went away is reserved again, or when FreeSWITCH
 * keeps a channel. `npm run test:live` (PACER_LIVE_REQUIRED=1), skipped by `npm test`.
 */

/** The carrier behaviour (last digit) of each lead and what its record must say. */
const MIX: { digit: string; count: number; outcome: string }[] = [
  { digit: '8', count: 30, outcome: 'human' }, // answers, speech, the carrier hangs up after 6 s
  { digit: '1', count: 7, outcome: 'busy' },
  { digit: '5', count: 7, outcome: 'invalid' },
  { digit: '6', count: 6, outcome: 'congestion' },
  { digit: '9', count: 6, outcome: 'unavailable' },
  { digit: '2', count: 4, outcome: 'no_answer' }, // rings until the 15 s timeout
];
const LEADS = MIX.reduce((n, m) => n + m.count, 0);
/** The 2-second rule: the identification message must start within this long of the greeting's end. */
const MESSAGE_WITHIN_MS = 2000;

interface Row {
  id: string;
  phone: string;
  outcome: string | null;
  answered_at: Date | null;
  greeting_ended_at: Date | null;
  agent_connected_at: Date | null;
  ended_at: Date | null;
  abandoned: boolean;
  message_played: boolean;
  agent_id: string | null;
  originated_at: Date | null;
}

describe.skipIf(skipLive)('live campaign: the runtime dials through the real stack', () => {
  let rig: LiveRig | undefined;
  let pacer: LiveDialer | undefined;
  let phone: SippPhone | undefined;

  beforeAll(async () => {
    rig = await startLiveRig({ amd: { engine: 'mod_amd', timeoutMs: 8000 } });
    pacer = await startLiveDialer(rig);
    phone = await SippPhone.start(rig.env.liveDir, 2000);
  }, 60_000);

  afterEach(async () => {
    await pacer?.cleanup();
  }, 30_000);

  afterAll(async () => {
    await pacer?.close();
    await phone?.stop();
    await rig?.finish(8000);
  }, 60_000);

  it('completes every record, plays the message on every abandoned call within 2 s, audio on every bridged call, and never reserves an agent whose leg went away', async () => {
    if (!rig || !pacer || !phone) throw new Error('setup failed');
    const p = pacer;
    const zone = daytimeZone();
    const created = await p.call('POST', '/v1/campaigns', {
      name: `live-${Date.now()}`, dialMode: 'predictive', pacingPolicy: 'ratio', pacingRatio: 2.5, callerId: '+12125550199',
      amd: { enabled: false, machineAction: 'hangup' }, ringTimeoutMs: 15_000, wrapUpLimitMs: 500, maxAttemptsPerLead: 1,
      retryRules: { noAnswer: { maxAttempts: 1 }, busy: { maxAttempts: 1 }, machine: { maxAttempts: 1 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const campaignId = String((JSON.parse(created.body) as { id: string }).id);
    const { db } = p.database;
    const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'live' }).returning('id').executeTakeFirstOrThrow();
    const phones: { e164: string; outcome: string }[] = [];
    let n = 0;
    for (const m of MIX) for (let i = 0; i < m.count; i++) phones.push({ e164: `+1347${2_000_000 + 10 * n++ + Number(m.digit)}`, outcome: m.outcome });
    const leads = await db.insertInto('leads').values(phones.map((_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, timezone: zone, timezone_source: 'zip' as const }))).returning('id').execute();
    await db.insertInto('lead_phones').values(leads.map((l, i) => ({ lead_id: l.id, position: 1, campaign_id: campaignId, e164: phones[i]?.e164 ?? '' }))).execute();

    const agentIds: string[] = [];
    for (let a = 0; a < 3; a++) {
      const r = await p.call('POST', '/v1/agents', { name: `live agent ${a}`, campaignId, sipContact: rig.env.agentContact });
      expect(r.statusCode, r.body).toBe(201);
      agentIds.push(String((JSON.parse(r.body) as { id: string }).id));
    }
    const byeAgent = await p.call('POST', '/v1/agents', { name: 'live agent, phone hangs up', campaignId, sipContact: phone.contact });
    const byeAgentId = String((JSON.parse(byeAgent.body) as { id: string }).id);

    const started = await p.call('POST', `/v1/campaigns/${campaignId}/start`);
    expect(started.statusCode, started.body).toBe(200);
    // The agent whose phone hangs up 2 s after answering goes ready first: its leg is set up at once.
    expect((await p.call('PUT', `/v1/agents/${byeAgentId}/state`, { state: 'ready' })).statusCode).toBe(200);
    for (const id of agentIds) {
      const r = await p.call('PUT', `/v1/agents/${id}/state`, { state: 'ready' });
      expect(r.statusCode, r.body).toBe(200);
    }

    // Wait until every lead has had its one attempt and every record is closed.
    const deadline = Date.now() + 150_000;
    let rows: Row[] = [];
    for (;;) {
      rows = (await db.selectFrom('call_attempts').select(['id', 'phone', 'outcome', 'answered_at', 'greeting_ended_at', 'agent_connected_at', 'ended_at', 'abandoned', 'message_played', 'agent_id', 'originated_at']).where('campaign_id', '=', campaignId).execute()) as Row[];
      if (rows.length >= LEADS && rows.every((r) => r.ended_at !== null)) break;
      if (Date.now() > deadline) throw new Error(`after 150 s: ${rows.length} of ${LEADS} records, ${rows.filter((r) => r.ended_at === null).length} open`);
      await sleep(500);
    }
    expect((await p.call('POST', `/v1/campaigns/${campaignId}/stop`)).statusCode).toBe(200);

    // Complete records: one per lead, each with the outcome its carrier behaviour gives.
    expect(rows).toHaveLength(LEADS);
    const want = new Map(phones.map((x) => [x.e164, x.outcome]));
    expect(rows.map((r) => ({ phone: r.phone, outcome: r.outcome }))).toEqual(expect.arrayContaining(phones.map((x) => ({ phone: x.e164, outcome: want.get(x.e164) }))));
    const placed = await db.selectFrom('dial_decisions').select((eb) => eb.fn.countAll<string>().as('n')).where('campaign_id', '=', campaignId).where('decision', '=', 'placed').executeTakeFirstOrThrow();
    expect(Number(placed.n), 'placed decisions = records').toBe(LEADS);

    const answered = rows.filter((r) => r.outcome === 'human');
    // A call whose agent's phone hung up right after the connect is abandoned with its message, not bridged.
    const bridged = answered.filter((r) => r.agent_connected_at !== null && !r.abandoned);
    const abandoned = answered.filter((r) => r.abandoned);
    expect(bridged.length, 'calls bridged to an agent').toBeGreaterThan(0);
    expect(abandoned.length, 'abandoned calls (ratio 2.5 with 3 agents over-dials on purpose)').toBeGreaterThan(0);
    expect(bridged.length + abandoned.length).toBe(answered.length);

    const legs = new Map<string, LegMedia>();
    for (const r of answered) legs.set(r.id, await rig.probe.hangupOf(p.customerLeg(r.id), 10_000));
    for (const r of bridged) {
      const leg = legs.get(r.id);
      // ~6 s of the carrier's speech in, the echoing agent's audio out.
      expect({ call: `${JSON.stringify(r)} leg ${JSON.stringify(leg)}`, codec: leg?.codec, crypto: leg?.crypto, in: (leg?.inPackets ?? 0) >= 100, out: (leg?.outPackets ?? 0) >= 50 }).toEqual({ call: `${JSON.stringify(r)} leg ${JSON.stringify(leg)}`, codec: 'PCMU', crypto: false, in: true, out: true });
    }
    for (const r of abandoned) {
      expect(r.message_played, `message_played on abandoned ${JSON.stringify(r)}, playback ${JSON.stringify(rig.probe.playbackStarts.get(p.customerLeg(r.id)) ?? null)}`).toBe(true);
      const start = rig.probe.playbackStarts.get(p.customerLeg(r.id));
      expect(start?.file, `the identification prompt played on ${r.id}`).toMatch(/identification\.wav$/);
      // From the greeting's end, or from the connect of an agent whose leg went away right after it.
      const greetingEndMs = (r.agent_connected_at ?? r.greeting_ended_at ?? r.answered_at)?.getTime() ?? Number.NaN;
      expect((start?.atMs ?? Number.POSITIVE_INFINITY) - greetingEndMs, `message start after the greeting on ${r.id}`).toBeLessThanOrEqual(MESSAGE_WITHIN_MS);
      expect(legs.get(r.id)?.outPackets ?? 0, `audio of the message sent on ${r.id}`).toBeGreaterThanOrEqual(50);
    }

    const starts = abandoned.map((r) => (rig?.probe.playbackStarts.get(p.customerLeg(r.id))?.atMs ?? Number.NaN) - ((r.greeting_ended_at ?? r.answered_at)?.getTime() ?? Number.NaN));
    const toAgent = bridged.map((r) => (r.agent_connected_at?.getTime() ?? Number.NaN) - ((r.greeting_ended_at ?? r.answered_at)?.getTime() ?? Number.NaN)).sort((a, b) => a - b);
    console.info(`live campaign: ${rows.length} records, ${answered.length} answered, ${bridged.length} bridged (greeting end to agent: median ${toAgent[Math.floor(toAgent.length / 2)] ?? 'n/a'} ms, max ${toAgent.at(-1) ?? 'n/a'} ms), ${abandoned.length} abandoned (message start after the greeting: max ${Math.max(...starts).toFixed(0)} ms)`);

    // The agent whose softphone hung up is paused for it and takes no call afterwards.
    const bye = await db.selectFrom('agents').select(['state', 'state_reason', 'state_since']).where('id', '=', byeAgentId).executeTakeFirstOrThrow();
    expect(bye).toMatchObject({ state: 'paused', state_reason: 'agent_leg_lost' });
    const after = rows.filter((r) => r.agent_id === byeAgentId && (r.agent_connected_at?.getTime() ?? 0) >= bye.state_since.getTime());
    expect(after, 'calls connected to the agent after its leg went away').toEqual([]);

    for (const id of [...agentIds, byeAgentId]) await p.call('PUT', `/v1/agents/${id}/state`, { state: 'logged_out' });
    await rig.probe.expectNoChannels(10_000);
  }, 240_000);

  it('AMD on: voicemail greetings get the message after the beep, live answers reach an agent who hangs up through the API', async () => {
    if (!rig || !pacer) throw new Error('setup failed');
    const p = pacer;
    const zone = daytimeZone();
    const created = await p.call('POST', '/v1/campaigns', {
      name: `live-amd-${Date.now()}`, dialMode: 'predictive', pacingPolicy: 'progressive', callerId: '+12125550199',
      amd: { enabled: true, machineAction: 'voicemail', voicemailMessage: 'identification.wav' }, ringTimeoutMs: 15_000, wrapUpLimitMs: 500, maxAttemptsPerLead: 1,
      retryRules: { noAnswer: { maxAttempts: 1 }, busy: { maxAttempts: 1 }, machine: { maxAttempts: 1 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const campaignId = String((JSON.parse(created.body) as { id: string }).id);
    const { db } = p.database;
    const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'live-amd' }).returning('id').executeTakeFirstOrThrow();
    const digits = ['4', '0', '4', '0', '4', '0', '4', '1'];
    const numbers = digits.map((d, i) => `+1347${3_000_000 + 10 * i + Number(d)}`);
    const leads = await db.insertInto('leads').values(numbers.map((_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, timezone: zone, timezone_source: 'zip' as const }))).returning('id').execute();
    await db.insertInto('lead_phones').values(leads.map((l, i) => ({ lead_id: l.id, position: 1, campaign_id: campaignId, e164: numbers[i] ?? '' }))).execute();
    const agentIds: string[] = [];
    for (let a = 0; a < 2; a++) {
      const r = await p.call('POST', '/v1/agents', { name: `live amd agent ${a}`, campaignId, sipContact: rig.env.agentContact });
      agentIds.push(String((JSON.parse(r.body) as { id: string }).id));
    }
    expect((await p.call('POST', `/v1/campaigns/${campaignId}/start`)).statusCode).toBe(200);
    for (const id of agentIds) expect((await p.call('PUT', `/v1/agents/${id}/state`, { state: 'ready' })).statusCode).toBe(200);

    // Act as the agents: 2 s after a call is bridged, hang it up through the API.
    const hungUp = new Set<string>();
    const deadline = Date.now() + 150_000;
    let rows: Row[] = [];
    for (;;) {
      const open = await db.selectFrom('call_attempts').select('id').where('campaign_id', '=', campaignId).where('ended_at', 'is', null).execute();
      const runner = p.dialer.runtime.runner(campaignId);
      for (const { id } of open) {
        const bridgedAtMs = runner?.coordinator.bridgedAtMs(id);
        if (bridgedAtMs !== undefined && Date.now() - bridgedAtMs >= 2000 && !hungUp.has(id)) {
          hungUp.add(id);
          const r = await p.call('POST', `/v1/calls/${id}/hangup`);
          expect(r.statusCode, r.body).toBe(200);
        }
      }
      rows = (await db.selectFrom('call_attempts').select(['id', 'phone', 'outcome', 'answered_at', 'greeting_ended_at', 'agent_connected_at', 'ended_at', 'abandoned', 'message_played', 'agent_id', 'originated_at']).where('campaign_id', '=', campaignId).execute()) as Row[];
      if (rows.length >= numbers.length && rows.every((r) => r.ended_at !== null)) break;
      if (Date.now() > deadline) throw new Error(`after 150 s: ${rows.length} of ${numbers.length} records, ${rows.filter((r) => r.ended_at === null).length} open`);
      await sleep(250);
    }
    expect((await p.call('POST', `/v1/campaigns/${campaignId}/stop`)).statusCode).toBe(200);

    const amd = await db.selectFrom('call_attempts').select(['id', 'phone', 'outcome', 'amd_result', 'agent_id', 'abandoned']).where('campaign_id', '=', campaignId).execute();
    const byDigit = (d: string) => amd.filter((r) => r.phone.endsWith(d));
    expect(byDigit('1').map((r) => r.outcome)).toEqual(['busy']);
    for (const r of byDigit('0')) {
      expect({ phone: r.phone, outcome: r.outcome, amd: r.amd_result, bridged: r.agent_id !== null, abandoned: r.abandoned }).toEqual({ phone: r.phone, outcome: 'human', amd: 'human', bridged: true, abandoned: false });
      expect(hungUp.has(r.id), `the agent hung ${r.id} up`).toBe(true);
    }
    for (const r of byDigit('4')) {
      expect({ phone: r.phone, outcome: r.outcome, amd: r.amd_result, bridged: r.agent_id !== null }).toEqual({ phone: r.phone, outcome: 'machine', amd: 'machine', bridged: false });
      const leg = p.customerLeg(r.id);
      const start = rig.probe.playbackStarts.get(leg);
      const answeredAtMs = rows.find((x) => x.id === r.id)?.answered_at?.getTime() ?? Number.NaN;
      // The greeting lasts 5 s and the beep comes ~6.2 s after the answer: the message follows the beep.
      expect(start?.file, `voicemail message on ${r.id}`).toMatch(/identification\.wav$/);
      expect((start?.atMs ?? 0) - answeredAtMs, `message after the beep on ${r.id}`).toBeGreaterThanOrEqual(5000);
      expect((await rig.probe.hangupOf(leg, 10_000)).outPackets, `audio of the voicemail message sent on ${r.id}`).toBeGreaterThanOrEqual(50);
    }
    for (const id of agentIds) await p.call('PUT', `/v1/agents/${id}/state`, { state: 'logged_out' });
    await rig.probe.expectNoChannels(10_000);
  }, 240_000);
});
