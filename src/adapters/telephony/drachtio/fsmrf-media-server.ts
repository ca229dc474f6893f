import Mrf from 'drachtio-fsmrf';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { MediaServerOptions } from './drachtio-adapter-options.ts';
import type { AmdDecision, MediaEndpoint, MediaServerPort, MediaServerStats } from './media-server-port.ts';
import { guardSrfForFsmrf } from './fsmrf-srf-guard.ts';
import type { SrfClient } from './srf-client.ts';
import { settlesWithin, type TelephonyLogger, type TimerScheduler } from './telephony-deps.ts';

/**
 * CUSTOM event subclasses the endpoints subscribe to (verified against the module sources, see
 * docs/telephony.md#amd-tuning-and-its-accuracy-trade-offs):
 * - `amd::info`: mod_amd's decision event in its non-blocking builds (webitel/mod_amd,
 *   rtckit/mod_amd `mod_amd.c`, `AMD_EVENT_NAME`), fired with the channel's data, so it carries
 *   `Unique-ID` and the `variable_amd_result` / `variable_amd_cause` headers.
 * - `avmd::beep`: mod_avmd's beep event (signalwire/freeswitch
 *   `src/mod/applications/mod_avmd/mod_avmd.c`, `avmd_events_str`), with `Unique-ID` and
 *   `Beep-Status: DETECTED`.
 */
export const MOD_AMD_EVENT = 'amd::info';
export const AVMD_BEEP_EVENT = 'avmd::beep';

/**
 * mod_avmd only attaches its media bug to a channel whose direction it is told to watch
 * (`avmd_start_app`: outbound channels need `outbound_channel=1`, inbound ones `inbound_channel=1`,
 * otherwise "Can't set direction for channel" and nothing starts). drachtio-fsmrf endpoints are
 * INVITEd into FreeSWITCH, i.e. inbound channels, so both are set per start (as jambonz does).
 * avmd_start takes comma-separated `key=value` options.
 */
export const AVMD_START_ARGS = 'inbound_channel=1,outbound_channel=1';

/** The part of drachtio-fsmrf's `Mrf` this wrapper uses (a seam for tests). */
export interface MrfConnector {
  connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
}

/**
 * {@link MediaServerPort} over drachtio-fsmrf: one FreeSWITCH reached over ESL, reconnected with
 * exponential backoff (x2 from `initialDelayMs` up to `maxDelayMs`) whenever the connection
 * fails or drops. Session counts come from FreeSWITCH's HEARTBEAT events.
 *
 * @example
 * ```ts
 * const fs1 = new FsmrfMediaServer(options.mediaServers[0], { srf, logger, timers });
 * fs1.onConnectionChange((up) => log.info({ up }, 'fs1'));
 * fs1.start();
 * ```
 */
export class FsmrfMediaServer implements MediaServerPort {
  readonly id: string;
  readonly #options: MediaServerOptions;
  readonly #mrf: MrfConnector;
  readonly #log: TelephonyLogger;
  readonly #timers: TimerScheduler;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #hangupTimeoutMs: number;
  readonly #listeners: ((up: boolean) => void)[] = [];
  #server: Mrf.MediaServer | undefined;
  #delayMs: number;
  #retryTimer: unknown;
  #closed = false;
  readonly #creating = new Set<Promise<void>>();

  constructor(
    options: MediaServerOptions,
    deps: {
      srf: SrfClient;
      logger: TelephonyLogger;
      timers: TimerScheduler;
      reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
      /** How long `destroy()` waits for FreeSWITCH to hang an endpoint up (default 5 s). */
      hangupTimeoutMs?: number;
      /** Replaces drachtio-fsmrf (tests). */
      mrf?: MrfConnector;
    },
  ) {
    this.id = options.id;
    this.#options = options;
    this.#mrf = deps.mrf ?? new Mrf(guardSrfForFsmrf(deps.srf), { customEvents: [MOD_AMD_EVENT, AVMD_BEEP_EVENT] });
    this.#log = deps.logger.child({ mediaServer: options.id });
    this.#timers = deps.timers;
    this.#initialDelayMs = deps.reconnect?.initialDelayMs ?? 500;
    this.#maxDelayMs = deps.reconnect?.maxDelayMs ?? 10_000;
    this.#delayMs = this.#initialDelayMs;
    this.#hangupTimeoutMs = deps.hangupTimeoutMs ?? 5000;
  }

  connected(): boolean {
    return this.#server?.connected() ?? false;
  }

  stats(): MediaServerStats {
    const server = this.#server;
    return { maxSessions: Number.isFinite(server?.maxSessions) ? (server?.maxSessions ?? 0) : 0, currentSessions: Number.isFinite(server?.currentSessions) ? (server?.currentSessions ?? 0) : 0 };
  }

  onConnectionChange(listener: (up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  start(): void {
    void this.#connect();
  }

  async createEndpoint(opts: { remoteSdp?: string } = {}): Promise<MediaEndpoint> {
    const server = this.#server;
    if (!server) throw new PacerError('TELEPHONY_UNAVAILABLE', `media server ${this.id} is not connected`);
    const creating = server.createEndpoint(opts.remoteSdp === undefined ? {} : { remoteSdp: opts.remoteSdp });
    const tracked = creating.then(
      () => undefined,
      () => undefined,
    );
    this.#creating.add(tracked);
    void tracked.then(() => this.#creating.delete(tracked));
    const endpoint = await creating;
    return new FsmrfEndpoint(endpoint, this.#log.child({ endpoint: endpoint.uuid }), this.#timers, this.#hangupTimeoutMs);
  }

  async settled(): Promise<void> {
    await Promise.all([...this.#creating]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#server?.disconnect();
    this.#server = undefined;
  }

  async #connect(): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#closed) return;
    const o = this.#options;
    try {
      const server = await this.#mrf.connect({
        address: o.eslHost,
        port: o.eslPort,
        secret: o.eslSecret,
        ...(o.profile === undefined ? {} : { profile: o.profile }),
        ...(o.listenAddress === undefined ? {} : { listenAddress: o.listenAddress }),
        ...(o.listenPort === undefined ? {} : { listenPort: o.listenPort }),
        ...(o.advertisedAddress === undefined ? {} : { advertisedAddress: o.advertisedAddress }),
      });
      if (this.#closed) {
        server.disconnect();
        return;
      }
      this.#server = server;
      this.#delayMs = this.#initialDelayMs;
      server.on('end', () => this.#onLost());
      server.on('error', (err: Error) => this.#log.warn({ err }, 'media server connection error'));
      this.#log.info({ address: o.eslHost }, 'media server connected');
      for (const listener of this.#listeners) listener(true);
    } catch (err) {
      this.#log.warn({ err, retryInMs: this.#delayMs }, 'media server connection failed');
      this.#scheduleRetry();
    }
  }

  #onLost(): void {
    const server = this.#server;
    this.#server = undefined;
    if (this.#closed) return;
    server?.disconnect();
    this.#log.error({}, 'media server connection lost');
    for (const listener of this.#listeners) listener(false);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(this.#maxDelayMs, this.#delayMs * 2);
    this.#retryTimer = this.#timers.setTimeout(() => void this.#connect(), delayMs);
  }
}

const AMD_RESULTS: Readonly<Record<string, AmdDecision['result']>> = { HUMAN: 'human', MACHINE: 'machine', NOTSURE: 'unknown' };

/**
 * mod_amd's decision from an ESL event, or undefined when the event carries none. Every mod_amd
 * build sets the channel variables `amd_result` (HUMAN, MACHINE, NOTSURE) and `amd_cause`
 * (INITIALSILENCE, SILENCEAFTERGREETING or HUMAN, MAXWORDLENGTH, MAXWORDS, LONGGREETING, TOOLONG);
 * events fired with the channel's data carry them as `variable_amd_result` / `variable_amd_cause`.
 * `AMD-Result` / `AMD-Cause` are read too, for builds that add them as headers.
 */
export function amdDecisionFrom(evt: Mrf.EslEvent): AmdDecision | undefined {
  const raw = eslHeader(evt, 'variable_amd_result') ?? eslHeader(evt, 'AMD-Result');
  if (raw === undefined) return undefined;
  const result = raw.toUpperCase();
  return { result: AMD_RESULTS[result] ?? 'unknown', cause: eslHeader(evt, 'variable_amd_cause') ?? eslHeader(evt, 'AMD-Cause') ?? result };
}

/** A header's trimmed value, or undefined when absent (drachtio-modesl gives `null`) or blank. */
export function eslHeader(evt: Mrf.EslEvent, name: string): string | undefined {
  const value = evt.getHeader(name);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The `amd` application's argument: space-separated `key=value` pairs, the default delimiter of the
 * non-blocking builds' parser (`amd_start_function`: `delim = ' '`, `switch_split`). The original
 * blocking build ignores its argument and uses amd.conf.xml.
 */
export function amdArgument(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** {@link MediaEndpoint} over an fsmrf Endpoint. */
class FsmrfEndpoint implements MediaEndpoint {
  readonly #endpoint: Mrf.Endpoint;
  readonly #log: TelephonyLogger;
  readonly #timers: TimerScheduler;
  readonly #hangupTimeoutMs: number;

  constructor(endpoint: Mrf.Endpoint, log: TelephonyLogger, timers: TimerScheduler, hangupTimeoutMs: number) {
    this.#endpoint = endpoint;
    this.#log = log;
    this.#timers = timers;
    this.#hangupTimeoutMs = hangupTimeoutMs;
  }

  get uuid(): string {
    return this.#endpoint.uuid;
  }

  get localSdp(): string {
    return this.#endpoint.local.sdp;
  }

  async modify(remoteSdp: string): Promise<string> {
    await this.#endpoint.modify(remoteSdp);
    return this.#endpoint.local.sdp;
  }

  async setVariables(variables: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(variables)) await this.#endpoint.execute('set', `${name}=${value}`);
  }

  /**
   * Runs mod_amd's `amd` application. Two kinds of build exist and both are handled:
   * - blocking (seanbright/mod_amd, the original): the application returns once it has decided, so
   *   the decision is on its CHANNEL_EXECUTE_COMPLETE event (what `execute` resolves with), as
   *   `variable_amd_result` / `variable_amd_cause`; no event is fired;
   * - non-blocking (webitel/mod_amd, rtckit/mod_amd): the application returns at once after adding
   *   a media bug, and the decision comes later with the CUSTOM event `amd::info`.
   * drachtio-fsmrf filters each endpoint's ESL connection on `Unique-ID`, so only events fired with
   * the channel's data reach this listener.
   */
  startAmd(params: Readonly<Record<string, number>>): Promise<AmdDecision> {
    return new Promise<AmdDecision>((resolve, reject) => {
      let settled = false;
      const done = (): boolean => {
        if (settled) return false;
        settled = true;
        this.#endpoint.removeCustomEventListener(MOD_AMD_EVENT, onInfo);
        return true;
      };
      const onInfo = (_args: unknown, evt: Mrf.EslEvent): void => {
        const decision = amdDecisionFrom(evt);
        if (decision && done()) resolve(decision);
      };
      this.#endpoint.addCustomEventListener(MOD_AMD_EVENT, onInfo);
      this.#endpoint.execute('amd', amdArgument(params)).then(
        (complete) => {
          const decision = amdDecisionFrom(complete);
          if (decision && done()) resolve(decision);
        },
        (err: unknown) => {
          if (done()) reject(new PacerError('TELEPHONY_UNAVAILABLE', `starting mod_amd on ${this.uuid} failed`, { cause: err }));
        },
      );
    });
  }

  /**
   * `avmd_start` with both directions enabled; the first `avmd::beep` (Beep-Status DETECTED) is
   * reported once and detection is stopped (`avmd_stop`), as FreeSWITCH may deliver a beep twice.
   */
  async startBeepDetection(onBeep: () => void): Promise<void> {
    let fired = false;
    const onEvent = (_args: unknown, evt: Mrf.EslEvent): void => {
      if (fired || (eslHeader(evt, 'Beep-Status') ?? '').toUpperCase() !== 'DETECTED') return;
      fired = true;
      this.#endpoint.removeCustomEventListener(AVMD_BEEP_EVENT, onEvent);
      this.#endpoint.execute('avmd_stop').catch((err: unknown) => this.#log.warn({ err }, 'stopping beep detection failed'));
      onBeep();
    };
    this.#endpoint.addCustomEventListener(AVMD_BEEP_EVENT, onEvent);
    try {
      await this.#endpoint.execute('avmd_start', AVMD_START_ARGS);
    } catch (err) {
      this.#endpoint.removeCustomEventListener(AVMD_BEEP_EVENT, onEvent);
      throw new PacerError('TELEPHONY_UNAVAILABLE', `starting mod_avmd on ${this.uuid} failed`, { cause: err });
    }
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    await this.#endpoint.bridge(other.uuid);
  }

  async play(file: string): Promise<{ playedMs: number }> {
    const result = await this.#endpoint.play(file);
    const playedMs = Number(result.playbackMilliseconds ?? '0');
    return { playedMs: Number.isFinite(playedMs) && playedMs > 0 ? playedMs : 0 };
  }

  /**
   * `uuid_setvar_multi` (stereo, 8 kHz, no minimum length: FreeSWITCH deletes recordings shorter
   * than `RECORD_MIN_SEC`, and an identification message can be short), then `uuid_record start`.
   * Both are API commands, safe on a bridged channel (an application would wait for the bridge).
   * A relative path is resolved against FreeSWITCH's `recordings_dir` (`global_getvar`), not left
   * to FreeSWITCH, which would put it under `sound_prefix` (vars.xml).
   */
  async startRecording(path: string): Promise<void> {
    const endpoint = this.#endpoint;
    const reply = async (command: string, args: string): Promise<string> => ((await endpoint.api(command, args))?.body ?? '').trim();
    let file = path;
    if (!path.startsWith('/')) {
      const dir = await reply('global_getvar', 'recordings_dir');
      if (dir === '' || dir.startsWith('-ERR') || !dir.startsWith('/')) throw new PacerError('TELEPHONY_UNAVAILABLE', `FreeSWITCH reports no recordings_dir (${dir}): set telephony.recordingsDir`);
      file = `${dir.replace(/\/+$/, '')}/${path}`;
    }
    const set = await reply('uuid_setvar_multi', `${endpoint.uuid} RECORD_STEREO=true;record_sample_rate=8000;RECORD_MIN_SEC=0`);
    if (!set.startsWith('+OK')) throw new PacerError('TELEPHONY_UNAVAILABLE', `uuid_setvar_multi on ${endpoint.uuid} was refused: ${set}`);
    const started = await reply('uuid_record', `${endpoint.uuid} start ${file}`);
    if (!started.startsWith('+OK')) throw new PacerError('TELEPHONY_UNAVAILABLE', `uuid_record ${file} on ${endpoint.uuid} was refused: ${started}`);
    this.#log.info({ file }, 'recording started');
  }

  /**
   * Hangs the channel up with `uuid_kill` through the API and waits (bounded) for FreeSWITCH's BYE.
   * fsmrf's own `destroy()` only queues the `hangup` application, which a bridged channel blocked
   * in its media read never runs; it is still called first, for its state and its BYE listener.
   */
  async destroy(): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint.connected) return;
    const hungUp = endpoint.destroy();
    const killed = endpoint.api('uuid_kill', [endpoint.uuid, 'NORMAL_CLEARING']).then((res) => {
      const body = res?.body ?? '';
      if (!body.startsWith('+OK') && !/No such channel/i.test(body)) this.#log.warn({ reply: body.trim() }, 'uuid_kill was refused');
    });
    killed.catch((err: unknown) => this.#log.warn({ err }, 'uuid_kill could not be sent'));
    if (!(await settlesWithin(hungUp, this.#hangupTimeoutMs, this.#timers))) {
      throw new PacerError('TELEPHONY_UNAVAILABLE', `endpoint ${this.uuid} was not hung up within ${this.#hangupTimeoutMs} ms`);
    }
  }

  onEnded(listener: (cause: string) => void): void {
    this.#endpoint.on('destroy', (info?: { reason?: string }) => listener(info?.reason ?? 'UNKNOWN'));
  }
}
