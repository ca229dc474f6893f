import type { AmdDecision, MediaEndpoint, MediaServerPort, MediaServerStats } from '../../../src/adapters/telephony/drachtio/media-server-port.ts';
import type { TimerScheduler } from '../../../src/adapters/telephony/drachtio/telephony-deps.ts';
import { audioSdp } from './sip-text.ts';

/**
 * What the media "hears" from one callee (keyed by the callee's SDP session name `callee-<user>`).
 * This stands in above the ESL layer (at {@link MediaServerPort}); the ESL event shapes themselves
 * are exercised in `tests/telephony/fsmrf-endpoint.test.ts`. Causes are mod_amd's `amd_cause`
 * values (INITIALSILENCE, MAXWORDLENGTH, MAXWORDS, LONGGREETING, SILENCEAFTERGREETING/HUMAN, TOOLONG).
 */
export interface ScriptedMedia {
  amd?: { result: AmdDecision['result']; cause: string; afterMs: number };
  beepAfterMs?: number;
}

/**
 * A FreeSWITCH stand-in behind the adapter's {@link MediaServerPort}: endpoints with SDP, modify,
 * AMD decisions and beeps on the shared test timers, bridge, playback, and scripted failures
 * (channel hangups, ESL loss). It records every operation for assertions.
 */
export class ScriptedMediaServer implements MediaServerPort {
  readonly id: string;
  readonly endpoints: ScriptedEndpoint[] = [];
  readonly #timers: TimerScheduler;
  readonly #scripts = new Map<string, ScriptedMedia>();
  readonly #listeners: ((up: boolean) => void)[] = [];
  #up = false;
  /** FreeSWITCH's heartbeat `Max-Sessions` (0 = not reported yet). */
  heartbeatMaxSessions = 0;
  failNextCreate = false;
  /** Set to hold endpoint creation until `releaseCreate()` (a slow FreeSWITCH). */
  holdCreates = false;
  #held: (() => void)[] = [];

  constructor(id: string, timers: TimerScheduler) {
    this.id = id;
    this.#timers = timers;
  }

  scriptCallee(user: string, media: ScriptedMedia): void {
    this.#scripts.set(`callee-${user}`, media);
  }

  scriptFor(remoteSdp: string | undefined): ScriptedMedia | undefined {
    const name = /^s=(.*)$/m.exec(remoteSdp ?? '')?.[1]?.trim();
    return name === undefined ? undefined : this.#scripts.get(name);
  }

  connected(): boolean {
    return this.#up;
  }

  stats(): MediaServerStats {
    return { maxSessions: this.heartbeatMaxSessions, currentSessions: this.endpoints.filter((e) => !e.destroyed).length };
  }

  start(): void {
    this.#setUp(true);
  }

  /** ESL connection lost (FreeSWITCH restart). */
  disconnect(): void {
    this.#setUp(false);
  }

  reconnect(): void {
    this.#setUp(true);
  }

  onConnectionChange(listener: (up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  releaseCreates(): void {
    this.holdCreates = false;
    for (const release of this.#held.splice(0)) release();
  }

  /** The SDP the next endpoints offer instead of the plain one (e.g. FreeSWITCH's SRTP + RTP offer). */
  offerSdp: string | undefined;

  async createEndpoint(): Promise<MediaEndpoint> {
    if (this.holdCreates) await new Promise<void>((resolve) => this.#held.push(resolve));
    if (!this.#up) throw new Error(`media server ${this.id} is not connected`);
    if (this.failNextCreate) {
      this.failNextCreate = false;
      throw new Error('Connection timeout');
    }
    const endpoint = new ScriptedEndpoint(this, `${this.id}-ep-${this.endpoints.length + 1}`, this.#timers);
    this.endpoints.push(endpoint);
    return endpoint;
  }

  async close(): Promise<void> {
    this.#up = false;
  }

  #setUp(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    for (const listener of this.#listeners) listener(up);
  }
}

export class ScriptedEndpoint implements MediaEndpoint {
  readonly uuid: string;
  readonly server: ScriptedMediaServer;
  readonly #timers: TimerScheduler;
  readonly #ended: ((cause: string) => void)[] = [];
  #sdpVersion = 1;
  localSdp: string;
  readonly remoteSdps: string[] = [];
  readonly variables: Record<string, string> = {};
  readonly played: string[] = [];
  /** Paths `startRecording` was given. */
  readonly recordings: string[] = [];
  bridgedWith: string | undefined;
  amdStarted = false;
  beepDetectionStarted = false;
  destroyed = false;
  /** `destroy()` never settles (FreeSWITCH stuck). */
  hangsOnDestroy = false;

  constructor(server: ScriptedMediaServer, uuid: string, timers: TimerScheduler) {
    this.server = server;
    this.uuid = uuid;
    this.#timers = timers;
    this.localSdp = server.offerSdp ?? audioSdp(`fs-${uuid}`, 20_000);
  }

  async modify(remoteSdp: string): Promise<string> {
    this.#alive();
    this.remoteSdps.push(remoteSdp);
    this.#sdpVersion += 1;
    this.localSdp = audioSdp(`fs-${this.uuid}`, 20_000, this.#sdpVersion);
    return this.localSdp;
  }

  async setVariables(variables: Record<string, string>): Promise<void> {
    this.#alive();
    Object.assign(this.variables, variables);
  }

  startAmd(): Promise<AmdDecision> {
    this.#alive();
    this.amdStarted = true;
    const amd = this.server.scriptFor(this.remoteSdps.at(-1))?.amd;
    return new Promise<AmdDecision>((resolve) => {
      // No script: mod_amd never decides (the adapter's AMD timeout must fire).
      if (amd) this.#timers.setTimeout(() => resolve({ result: amd.result, cause: amd.cause }), amd.afterMs);
    });
  }

  async startBeepDetection(onBeep: () => void): Promise<void> {
    this.#alive();
    this.beepDetectionStarted = true;
    const afterMs = this.server.scriptFor(this.remoteSdps.at(-1))?.beepAfterMs;
    if (afterMs !== undefined) {
      this.#timers.setTimeout(() => {
        if (!this.destroyed) onBeep();
      }, afterMs);
    }
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    this.#alive();
    this.bridgedWith = other.uuid;
  }

  /** `missing` in the name: FreeSWITCH's File Not Found; `silent` in the name: found, 0 ms played. */
  async play(file: string): Promise<{ playedMs: number }> {
    this.#alive();
    if (file.includes('missing')) throw new Error('File Not Found');
    this.played.push(file);
    return { playedMs: file.includes('silent') ? 0 : 2000 };
  }

  async startRecording(path: string): Promise<void> {
    this.#alive();
    this.recordings.push(path);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    if (this.hangsOnDestroy) await new Promise<never>(() => undefined);
  }

  onEnded(listener: (cause: string) => void): void {
    this.#ended.push(listener);
  }

  /** FreeSWITCH hangs the channel up by itself. */
  endBySwitch(cause: string): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const listener of this.#ended) listener(cause);
  }

  #alive(): void {
    if (this.destroyed) throw new Error('endpoint no longer active');
  }
}
