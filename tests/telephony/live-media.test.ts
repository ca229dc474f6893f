import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createDrachtioTelephony, type DrachtioTelephony } from '../../src/adapters/telephony/drachtio/drachtio-telephony.ts';
import type { DrachtioAdapterOptions } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { CallRecorder, expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';

/**
 * Audio through Pacer's drachtio adapter on the real stack (../shared/live-stack: drachtio-server,
 * FreeSWITCH with config/freeswitch, SIPp carrier and agent phone). `npm run test:live` sets
 * PACER_LIVE_REQUIRED=1, so a missing stack fails here instead of skipping; `npm test` skips it.
 * It fails when RTP does not flow both ways on both legs, when the media is encrypted, or when
 * FreeSWITCH keeps a session after the calls.
 */
const REQUIRED = ['DRACHTIO_URL', 'FREESWITCH_URL', 'LIVE_AGENT_CONTACT', 'PACER_LIVE_PREFIX'] as const;
const missing = REQUIRED.filter((name) => !process.env[name]);
const required = process.env.PACER_LIVE_REQUIRED === '1';
const exec = promisify(execFile);

function esl(): URL {
  return new URL(process.env.FREESWITCH_URL ?? '');
}

/** One FreeSWITCH API command over ESL, through the stack's own fs_cli. */
async function fs(command: string): Promise<string> {
  const u = esl();
  const { stdout } = await exec(`${process.env.PACER_LIVE_PREFIX ?? ''}/freeswitch/bin/fs_cli`, ['-H', u.hostname, '-P', u.port || '8021', '-p', decodeURIComponent(u.username), '-x', command], { timeout: 10_000 });
  return stdout.trim();
}

async function channelUuids(): Promise<string[]> {
  const out = await fs('show channels as json');
  const parsed = JSON.parse(out === '' ? '{}' : out) as { rows?: { uuid: string }[] };
  return (parsed.rows ?? []).map((r) => r.uuid);
}

async function mediaStats(uuid: string): Promise<{ inPackets: number; outPackets: number; crypto: string }> {
  await fs(`uuid_set_media_stats ${uuid}`);
  const get = async (name: string): Promise<string> => (await fs(`uuid_getvar ${uuid} ${name}`)).replace(/^_undef_$/, '');
  return { inPackets: Number(await get('rtp_audio_in_media_packet_count')), outPackets: Number(await get('rtp_audio_out_media_packet_count')), crypto: await get('rtp_has_crypto') };
}

function options(): DrachtioAdapterOptions {
  const drachtio = new URL(process.env.DRACHTIO_URL ?? '');
  const u = esl();
  return {
    drachtio: { host: drachtio.hostname, port: Number(drachtio.port || 9022), secret: decodeURIComponent(drachtio.username) },
    mediaServers: [{ id: 'fs1', eslHost: u.hostname, eslPort: Number(u.port || 8021), eslSecret: decodeURIComponent(u.username), maxSessions: 20, maxCps: 10, hasModAmd: true, hasModAvmd: true, listenAddress: '127.0.0.1' }],
    trunk: { uri: process.env.LIVE_TRUNK_URI ?? 'sip:{to}@127.0.0.1:5080' },
    amd: { engine: 'none', timeoutMs: 5000 },
    beep: { engine: 'mod_avmd' },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(missing.length > 0 && !required)('live media: audio flows through a bridged call, and nothing leaks', () => {
  let telephony: DrachtioTelephony | undefined;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`the live stack is not running: ${missing.join(', ')} not set (start ../shared/live-stack/start.sh)`);
    telephony = createDrachtioTelephony(options(), { clock: { nowMs: () => Date.now() }, logger: pino({ level: 'warn' }) });
    const deadline = Date.now() + 15_000;
    while (!telephony.ready() && Date.now() < deadline) await sleep(100);
    expect(telephony.ready()).toBe(true);
    expect(await channelUuids()).toEqual([]);
  }, 30_000);

  afterAll(async () => {
    const closing = telephony?.close();
    // close() must resolve in bounded time (it hung forever when bridged legs had no RTP timer).
    const outcome = await Promise.race([closing?.then(() => 'closed'), sleep(20_000).then(() => 'hung')]);
    expect(outcome).toBe('closed');
  }, 30_000);

  it('a human answer bridged to the agent phone: RTP in and out on both legs, plain RTP, 0 sessions after', async () => {
    const t = telephony;
    if (t === undefined) throw new Error('setup failed');
    await t.agentLogin({ agentId: 'agent-live', contact: process.env.LIVE_AGENT_CONTACT ?? '' });
    await sleep(500);
    const agentLegs = await channelUuids();
    expect(agentLegs.length).toBeGreaterThanOrEqual(1);

    const rec = new CallRecorder();
    const callId = `live-media-${Date.now()}`;
    expect(await t.originate({ callId, to: '+15550001230', callerId: '+12125550199', ringTimeoutMs: 15_000, amd: { enabled: false } }, rec.onEvent)).toEqual({ ok: true });
    await rec.waitFor('answered', 15_000);
    const bridging = t.bridge(callId, 'agent-live');
    expect(await bridging).toEqual({ ok: true });
    expect(rec.events.map((e) => e.type)).toContain('bridged');
    await sleep(4_000);

    const all = await channelUuids();
    const customerLegs = all.filter((u) => !agentLegs.includes(u));
    expect(customerLegs.length).toBeGreaterThanOrEqual(1);
    for (const uuid of [...customerLegs, ...agentLegs]) {
      const stats = await mediaStats(uuid);
      // ~50 packets/s each way; 4 s bridged: demand well over 50, robust to a slow machine.
      expect(stats.inPackets, `RTP in on ${uuid}`).toBeGreaterThan(50);
      expect(stats.outPackets, `RTP out on ${uuid}`).toBeGreaterThan(50);
      expect(['', 'false', '-'], `no SRTP on ${uuid}`).toContain(stats.crypto);
    }

    await t.hangup(callId);
    await rec.terminal(10_000);
    expectValidCompleteSequence(rec.events);
    await t.agentLogout('agent-live');
    let left = await channelUuids();
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await sleep(200);
      left = await channelUuids();
    }
    expect(left, 'FreeSWITCH sessions left after the call and the logout').toEqual([]);
  }, 60_000);
});
