import { createRequire } from 'node:module';
import pino from 'pino';
import { expect } from 'vitest';
import type { DrachtioAdapterOptions } from '../../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { DrachtioTelephony } from '../../../src/adapters/telephony/drachtio/drachtio-telephony.ts';
import { FsmrfMediaServer } from '../../../src/adapters/telephony/drachtio/fsmrf-media-server.ts';
import type { MediaEndpoint, MediaServerPort } from '../../../src/adapters/telephony/drachtio/media-server-port.ts';
import { createSrfClient } from '../../../src/adapters/telephony/drachtio/srf-client.ts';
import { systemTimers } from '../../../src/adapters/telephony/drachtio/telephony-deps.ts';
import type { OriginateRequest } from '../../../src/domain/ports/telephony-port.ts';
import { CallRecorder } from '../../contract/telephony-port.contract.ts';

/**
 * The live stack's environment (printed by ../shared/live-stack/start.sh). `npm run test:live`
 * sets PACER_LIVE_REQUIRED=1: a missing stack is then a failure, not a skip; the ordinary
 * `npm test` run (without the variables) skips the live files.
 */
export interface LiveEnv {
  drachtio: URL;
  freeswitch: URL;
  trunkUri: string;
  agentContact: string;
  liveDir: string;
}

const REQUIRED = ['DRACHTIO_URL', 'FREESWITCH_URL', 'LIVE_TRUNK_URI', 'LIVE_AGENT_CONTACT', 'PACER_LIVE_DIR'] as const;
export const liveMissing = REQUIRED.filter((name) => !process.env[name]);
export const liveRequired = process.env.PACER_LIVE_REQUIRED === '1';
/** Skip only when the live stack is not asked for. */
export const skipLive = liveMissing.length > 0 && !liveRequired;

export function liveEnv(): LiveEnv {
  if (liveMissing.length > 0) throw new Error(`the live stack is not running: ${liveMissing.join(', ')} not set (start it with ../shared/live-stack/start.sh, or run npm run test:live)`);
  const env = process.env;
  return {
    drachtio: new URL(env.DRACHTIO_URL ?? ''),
    freeswitch: new URL(env.FREESWITCH_URL ?? ''),
    trunkUri: env.LIVE_TRUNK_URI ?? '',
    agentContact: env.LIVE_AGENT_CONTACT ?? '',
    liveDir: env.PACER_LIVE_DIR ?? '',
  };
}

/** Carrier behaviour numbers (../shared/live-stack/README.md, "SIPp behaviours"). */
export const CARRIER = {
  human: '+15550001230',
  busy: '+15550001231',
  noAnswer: '+15550001232',
  earlyMedia: '+15550001233',
  voicemail: '+15550001234',
  notFound: '+15550001235',
  congestion: '+15550001236',
  noRtp: '+15550001237',
  remoteHangup: '+15550001238',
  unavailable: '+15550001239',
} as const;

/** The caller ID every live call presents. */
export const CALLER_ID = '+12125550199';

let callSeq = 0;
/** A call id unique within the run. */
export function liveCallId(what: string): string {
  callSeq += 1;
  return `live-${what}-${process.pid}-${Date.now()}-${callSeq}`;
}

interface EslEvt {
  getHeader(name: string): string | null;
  getBody(): string;
}
interface EslConn {
  api(command: string, cb: (res: EslEvt) => void): void;
  subscribe(events: string[], cb?: () => void): void;
  on(event: string, listener: (evt: EslEvt) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
  disconnect(): void;
}
const esl = createRequire(import.meta.url)('drachtio-modesl') as { Connection: new (host: string, port: number, password: string, ready: () => void) => EslConn };

/** The RTP counters FreeSWITCH reports on a channel's CHANNEL_HANGUP_COMPLETE. */
export interface LegMedia {
  uuid: string;
  cause: string;
  inPackets: number;
  outPackets: number;
  codec: string;
  crypto: boolean;
}

/** An inbound ESL connection to FreeSWITCH: API commands and every channel's hangup record. */
export class FreeswitchProbe {
  readonly #conn: EslConn;
  readonly hangups = new Map<string, LegMedia>();
  /** The first PLAYBACK_START of each channel: FreeSWITCH's own event time (epoch ms) and file. */
  readonly playbackStarts = new Map<string, { atMs: number; file: string }>();

  private constructor(conn: EslConn) {
    this.#conn = conn;
    conn.on('esl::event::PLAYBACK_START::**', (evt) => {
      const uuid = evt.getHeader('Unique-ID') ?? '';
      if (this.playbackStarts.has(uuid)) return;
      // Event-Date-Timestamp is in microseconds since the epoch (this machine's clock).
      this.playbackStarts.set(uuid, { atMs: Number(evt.getHeader('Event-Date-Timestamp') ?? '0') / 1000, file: evt.getHeader('Playback-File-Path') ?? '' });
    });
    conn.on('esl::event::CHANNEL_HANGUP_COMPLETE::**', (evt) => {
      const uuid = evt.getHeader('Unique-ID') ?? '';
      const num = (name: string): number => Number(evt.getHeader(name) ?? '0') || 0;
      this.hangups.set(uuid, {
        uuid,
        cause: evt.getHeader('Hangup-Cause') ?? '',
        inPackets: num('variable_rtp_audio_in_media_packet_count'),
        outPackets: num('variable_rtp_audio_out_media_packet_count'),
        codec: evt.getHeader('variable_rtp_use_codec_name') ?? '',
        crypto: (evt.getHeader('variable_rtp_has_crypto') ?? '') !== '',
      });
    });
  }

  static async connect(url: URL): Promise<FreeswitchProbe> {
    return within(
      new Promise<FreeswitchProbe>((resolve) => {
        const conn = new esl.Connection(url.hostname, Number(url.port || 8021), decodeURIComponent(url.username || url.password), () => {
          conn.subscribe(['CHANNEL_HANGUP_COMPLETE', 'PLAYBACK_START'], () => resolve(new FreeswitchProbe(conn)));
        });
      }),
      5000,
      'the ESL connection to FreeSWITCH',
    );
  }

  api(command: string): Promise<string> {
    return within(new Promise<string>((resolve) => this.#conn.api(command, (res) => resolve(res.getBody()))), 5000, `ESL api ${command}`);
  }

  /** `show channels count`: the number of channels FreeSWITCH holds. */
  async channelCount(): Promise<number> {
    const body = await this.api('show channels count');
    const match = /(\d+)\s+total/.exec(body);
    if (!match) throw new Error(`unexpected 'show channels count' reply: ${body}`);
    return Number(match[1]);
  }

  /** Waits (bounded) until FreeSWITCH holds no channel. */
  async expectNoChannels(limitMs = 5000): Promise<void> {
    const deadline = Date.now() + limitMs;
    let count = await this.channelCount();
    while (count !== 0 && Date.now() < deadline) {
      await sleep(100);
      count = await this.channelCount();
    }
    expect(count, `FreeSWITCH channels left after the test: ${count === 0 ? '' : await this.describeChannels()}`).toBe(0);
  }

  /**
   * Waits (bounded) until FreeSWITCH holds exactly these channels. `show channels` reads the core
   * database, which FreeSWITCH updates a moment after a channel's CHANNEL_HANGUP_COMPLETE.
   */
  async expectOnlyChannels(uuids: readonly string[], limitMs = 5000): Promise<void> {
    const want = [...uuids].sort();
    const deadline = Date.now() + limitMs;
    let have = (await this.channelUuids()).sort();
    while (JSON.stringify(have) !== JSON.stringify(want) && Date.now() < deadline) {
      await sleep(100);
      have = (await this.channelUuids()).sort();
    }
    expect(have, `FreeSWITCH channels: ${await this.describeChannels()}`).toEqual(want);
  }

  /** The channels FreeSWITCH holds, one line each (for failure messages). */
  async describeChannels(): Promise<string> {
    const body = (await this.api('show channels as json')).trim();
    const parsed = JSON.parse(body === '' ? '{}' : body) as { rows?: Record<string, string>[] };
    return (parsed.rows ?? []).map((r) => `${r.uuid ?? ''} ${r.created ?? ''} ${r.state ?? ''} ${r.callstate ?? ''} ${r.application ?? ''} ${r.dest ?? ''}`).join(' | ');
  }

  /** The hangup record of a channel, waited for (bounded). */
  async hangupOf(uuid: string, limitMs = 5000): Promise<LegMedia> {
    const deadline = Date.now() + limitMs;
    while (!this.hangups.has(uuid) && Date.now() < deadline) await sleep(50);
    const leg = this.hangups.get(uuid);
    if (!leg) throw new Error(`no CHANNEL_HANGUP_COMPLETE for ${uuid} within ${limitMs} ms`);
    return leg;
  }

  /** A live channel's RTP counters so far (`uuid_set_media_stats`, then `uuid_getvar`). */
  async liveMedia(uuid: string): Promise<LegMedia> {
    const set = (await this.api(`uuid_set_media_stats ${uuid}`)).trim();
    if (set.startsWith('-ERR')) throw new Error(`uuid_set_media_stats ${uuid}: ${set}`);
    const get = async (name: string): Promise<string> => (await this.api(`uuid_getvar ${uuid} ${name}`)).trim().replace(/^_undef_$/, '');
    return {
      uuid,
      cause: '',
      inPackets: Number(await get('rtp_audio_in_media_packet_count')) || 0,
      outPackets: Number(await get('rtp_audio_out_media_packet_count')) || 0,
      codec: await get('rtp_use_codec_name'),
      crypto: (await get('rtp_has_crypto')) !== '',
    };
  }

  /** The uuids of the channels FreeSWITCH holds now. */
  async channelUuids(): Promise<string[]> {
    const body = (await this.api('show channels as json')).trim();
    const parsed = JSON.parse(body === '' ? '{}' : body) as { rows?: { uuid: string }[] };
    return (parsed.rows ?? []).map((r) => r.uuid);
  }

  close(): void {
    this.#conn.disconnect();
  }
}

/** Asserts plain PCMU RTP flowed both ways on a leg: at least `minPackets` in and out. */
export function expectAudioBothWays(leg: LegMedia, minPackets: number, what: string): void {
  expectPlainPcmu(leg, what);
  expect(leg.inPackets, `${what}: RTP packets received by FreeSWITCH`).toBeGreaterThanOrEqual(minPackets);
  expect(leg.outPackets, `${what}: RTP packets sent by FreeSWITCH`).toBeGreaterThanOrEqual(minPackets);
}

/** The leg negotiated PCMU without SRTP (`rtp_has_crypto` unset). */
export function expectPlainPcmu(leg: LegMedia, what: string): void {
  expect({ what, codec: leg.codec, crypto: leg.crypto }).toEqual({ what, codec: 'PCMU', crypto: false });
}

/** Counters gained between two samples of the same live leg. */
export function mediaDelta(before: LegMedia, after: LegMedia): LegMedia {
  return { ...after, inPackets: after.inPackets - before.inPackets, outPackets: after.outPackets - before.outPackets };
}

/** Which role each endpoint the adapter creates plays, tagged by the test before each step. */
export class TappedMediaServer implements MediaServerPort {
  readonly #inner: MediaServerPort;
  readonly created: { role: string; uuid: string }[] = [];
  nextRole = 'customer';

  constructor(inner: MediaServerPort) {
    this.#inner = inner;
  }
  get id(): string {
    return this.#inner.id;
  }
  connected(): boolean {
    return this.#inner.connected();
  }
  stats(): ReturnType<MediaServerPort['stats']> {
    return this.#inner.stats();
  }
  async createEndpoint(opts?: { remoteSdp?: string }): Promise<MediaEndpoint> {
    const role = this.nextRole;
    const endpoint = await this.#inner.createEndpoint(opts);
    this.created.push({ role, uuid: endpoint.uuid });
    return endpoint;
  }
  settled(): Promise<void> {
    return this.#inner.settled?.() ?? Promise.resolve();
  }
  start(): void {
    this.#inner.start();
  }
  onConnectionChange(listener: (up: boolean) => void): void {
    this.#inner.onConnectionChange(listener);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  uuidOf(role: string): string {
    const found = this.created.filter((c) => c.role === role).at(-1);
    if (!found) throw new Error(`no ${role} endpoint was created`);
    return found.uuid;
  }
}

export interface LiveCall {
  callId: string;
  rec: CallRecorder;
  uuid(): string;
}

export interface LiveRig {
  env: LiveEnv;
  telephony: DrachtioTelephony;
  media: TappedMediaServer;
  probe: FreeswitchProbe;
  /** Logs an agent in at LIVE_AGENT_CONTACT (the SIPp phone); resolves with its nailed-up leg's uuid. */
  loginAgent(agentId: string): Promise<string>;
  /** Originates a call to a carrier number; `uuid()` is the FreeSWITCH endpoint of its customer leg. */
  dial(to: string, amd?: OriginateRequest['amd'], ringTimeoutMs?: number): Promise<LiveCall>;
  /**
   * After each test: hangs up its unfinished calls and logs out its agents, so that a failed test
   * does not fail the next ones too (a passing test has done both itself, and checked the result).
   */
  cleanup(): Promise<void>;
  /** close() of the adapter, asserted to resolve within `limitMs`; then FreeSWITCH must hold 0 channels. */
  finish(limitMs?: number): Promise<void>;
}

/** A real adapter (drachtio-srf, drachtio-fsmrf with listen address 127.0.0.1) on the live stack. */
export async function startLiveRig(
  overrides: Partial<Pick<DrachtioAdapterOptions, 'amd' | 'beep' | 'recordingsDir'>> = {},
  limits: { maxSessions?: number; maxCps?: number; warmEndpoints?: number } = {},
): Promise<LiveRig> {
  const env = liveEnv();
  const options: DrachtioAdapterOptions = {
    drachtio: { host: env.drachtio.hostname, port: Number(env.drachtio.port || 9022), secret: decodeURIComponent(env.drachtio.username) },
    mediaServers: [
      { id: 'fs1', eslHost: env.freeswitch.hostname, eslPort: Number(env.freeswitch.port || 8021), eslSecret: decodeURIComponent(env.freeswitch.username), maxSessions: limits.maxSessions ?? 100, maxCps: limits.maxCps ?? 20, ...(limits.warmEndpoints === undefined ? {} : { warmEndpoints: limits.warmEndpoints }), hasModAmd: true, hasModAvmd: true, listenAddress: '127.0.0.1' },
    ],
    trunk: { uri: env.trunkUri },
    amd: { engine: 'mod_amd', timeoutMs: 8000 },
    beep: { engine: 'mod_avmd' },
    closeTimeoutMs: 5000,
    ...overrides,
  };
  const logger = pino({ level: process.env.LIVE_LOG_LEVEL ?? 'warn' });
  const srf = createSrfClient();
  const ms = options.mediaServers[0];
  if (!ms) throw new Error('no media server');
  const media = new TappedMediaServer(new FsmrfMediaServer(ms, { srf, logger, timers: systemTimers }));
  const telephony = new DrachtioTelephony(options, { clock: { nowMs: () => Date.now() }, logger }, { srf, mediaServers: [media] });
  telephony.start();
  const probe = await FreeswitchProbe.connect(env.freeswitch);
  const deadline = Date.now() + 10_000;
  while (!telephony.ready() && Date.now() < deadline) await sleep(50);
  if (!telephony.ready()) {
    await telephony.close();
    probe.close();
    throw new Error('the adapter did not become ready within 10 s (drachtio-server or FreeSWITCH unreachable)');
  }
  const agents = new Set<string>();
  const calls: LiveCall[] = [];
  return {
    env,
    telephony,
    media,
    probe,
    async loginAgent(agentId) {
      agents.add(agentId);
      media.nextRole = `agent:${agentId}`;
      try {
        await telephony.agentLogin({ agentId, contact: env.agentContact });
      } finally {
        media.nextRole = 'customer';
      }
      return media.uuidOf(`agent:${agentId}`);
    },
    async dial(to, amd = { enabled: false }, ringTimeoutMs = 15_000) {
      const callId = liveCallId(to.slice(-1));
      const rec = new CallRecorder();
      // The endpoint is created synchronously within originate(): tag it with the call id. A warm
      // endpoint (created earlier) is known from the adapter once the call's first event comes.
      let channel: string | undefined;
      const onEvent: typeof rec.onEvent = (event) => {
        channel ??= telephony.channelOf(callId);
        rec.onEvent(event);
      };
      media.nextRole = callId;
      const accepted = await telephony.originate({ callId, to, callerId: CALLER_ID, ringTimeoutMs, amd }, onEvent);
      media.nextRole = 'customer';
      expect(accepted).toEqual({ ok: true });
      const call = { callId, rec, uuid: () => channel ?? media.uuidOf(callId) };
      calls.push(call);
      return call;
    },
    async cleanup() {
      const open = calls.splice(0).filter((c) => !c.rec.types().some((t) => t === 'failed' || t === 'hangup'));
      await Promise.all(open.map((c) => telephony.hangup(c.callId)));
      await Promise.all([...agents].map((a) => telephony.agentLogout(a)));
      agents.clear();
    },
    async finish(limitMs = 8000) {
      const startedMs = Date.now();
      const closed = await Promise.race([telephony.close().then(() => true), sleep(limitMs).then(() => false)]);
      expect(closed, `close() resolved within ${limitMs} ms`).toBe(true);
      expect(Date.now() - startedMs).toBeLessThan(limitMs);
      try {
        await probe.expectNoChannels();
      } finally {
        probe.close();
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function within<T>(work: Promise<T>, limitMs: number, what: string): Promise<T> {
  return Promise.race([work, sleep(limitMs).then(() => Promise.reject(new Error(`${what}: no answer within ${limitMs} ms`)))]);
}
