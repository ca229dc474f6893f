/**
 * The thin media interface the drachtio adapter needs from a media server (FreeSWITCH). The
 * production implementation wraps drachtio-fsmrf (`FsmrfMediaServer`); tests use a scripted
 * media server. Keeping FreeSWITCH behind this seam lets the call logic be tested without it.
 *
 * @example
 * ```ts
 * const endpoint = await mediaServer.createEndpoint();        // offer: endpoint.localSdp
 * await endpoint.modify(answerSdp);                           // stream to the callee
 * const amd = await endpoint.startAmd({ total_analysis_time: 5000 });
 * if (amd.result === 'human') await endpoint.bridge(agentEndpoint);
 * ```
 */
export interface MediaServerPort {
  /** Stable id from configuration (e.g. `fs1`). */
  readonly id: string;
  /** Whether the control connection (ESL) is up. */
  connected(): boolean;
  /** Latest load report (FreeSWITCH HEARTBEAT); `maxSessions` 0 when not yet known. */
  stats(): MediaServerStats;
  /** Allocates an endpoint; without `remoteSdp` it is created inactive and offers `localSdp`. */
  createEndpoint(opts?: { remoteSdp?: string }): Promise<MediaEndpoint>;
  /**
   * Resolves once every `createEndpoint()` in progress has settled (never rejects). The adapter
   * waits for it (bounded) before disconnecting from drachtio: drachtio-fsmrf's endpoint-creation
   * timeout sends a BYE through srf, which throws from a timer if srf is gone by then.
   */
  settled?(): Promise<void>;
  /** Starts connecting; keeps reconnecting with backoff until closed. */
  start(): void;
  /** Called when the control connection drops (`up: false`) or comes back (`up: true`). */
  onConnectionChange(listener: (up: boolean) => void): void;
  close(): Promise<void>;
}

export interface MediaServerStats {
  maxSessions: number;
  currentSessions: number;
}

export interface AmdDecision {
  result: 'human' | 'machine' | 'unknown';
  /**
   * mod_amd's `amd_cause`: `INITIALSILENCE`, `MAXWORDLENGTH`, `MAXWORDS`, `LONGGREETING` (machine),
   * `SILENCEAFTERGREETING` or `HUMAN` depending on the build (human), `TOOLONG` (not sure).
   */
  cause: string;
}

export interface MediaEndpoint {
  /** The FreeSWITCH channel UUID. */
  readonly uuid: string;
  /** The SDP this endpoint offers (what the carrier INVITE carries). */
  readonly localSdp: string;
  /** Points the endpoint's media at a new far-end SDP; resolves with the endpoint's new local SDP. */
  modify(remoteSdp: string): Promise<string>;
  /** Sets channel variables (e.g. `park_after_bridge=true` on an agent's nailed-up leg). */
  setVariables(variables: Record<string, string>): Promise<void>;
  /**
   * Runs energy-based AMD (mod_amd) and resolves with its decision. The caller owns the timeout
   * (a decision that comes too late is ignored). Rejects with a PacerError
   * (`TELEPHONY_UNAVAILABLE`) when the application cannot be run.
   */
  startAmd(params: Readonly<Record<string, number>>): Promise<AmdDecision>;
  /**
   * Starts beep detection (mod_avmd); `onBeep` is called at most once, for the first beep, after
   * which detection stops.
   */
  startBeepDetection(onBeep: () => void): Promise<void>;
  /** `uuid_bridge` with another endpoint on the same media server. */
  bridge(other: MediaEndpoint): Promise<void>;
  /**
   * Plays a file; resolves when playback ends with how much audio FreeSWITCH played
   * (`playback_ms`; 0 when nothing could be played). Rejects when the file does not exist.
   */
  play(file: string): Promise<{ playedMs: number }>;
  /**
   * Starts recording the channel (`uuid_record <uuid> start <path>`): stereo 8 kHz WAV, the far
   * end's audio on the left channel and what it hears on the right; FreeSWITCH closes the file
   * when the channel hangs up. A relative `path` is put under FreeSWITCH's own `recordings_dir`.
   * Rejects when FreeSWITCH refuses.
   */
  startRecording(path: string): Promise<void>;
  /** Hangs the channel up; idempotent. */
  destroy(): Promise<void>;
  /** Called once if the channel ends by itself (FreeSWITCH hangup, ESL loss). */
  onEnded(listener: (cause: string) => void): void;
}
