/**
 * The telephony port: what the dialer runtime asks of a telephony stack. Implemented by the
 * simulated adapter (`src/adapters/telephony/sim`, virtual or wall clock) and by the
 * drachtio/FreeSWITCH adapter (`src/adapters/telephony/drachtio`). One contract suite
 * (`tests/contract/telephony-port.contract.ts`) runs against both.
 *
 * Event invariants every adapter keeps (checked by `checkCallEventSequence`):
 * - exactly one terminal event per call (`failed` or `hangup`), and nothing after it;
 * - `failed` only before `answered`;
 * - `amd` and `beep` only after `answered`, `bridged` only after `answered`;
 * - a cancel racing an answer yields `answered` then `hangup` (never `failed` after `answered`);
 * - `bridge()` resolves `{ ok: true }` only after it emitted `bridged`; a call that ends while the
 *   bridge is under way resolves it with `call_gone`.
 *
 * @example
 * ```ts
 * const accepted = await telephony.originate(
 *   { callId, to: '+12125550100', callerId: '+12125550199', ringTimeoutMs: 25_000, amd: { enabled: true } },
 *   (event) => session.onTelephonyEvent(event),
 * );
 * if (!accepted.ok) recordNotPlaced(accepted.reason);
 * ```
 */

export type FailureReason = 'busy' | 'no-answer' | 'invalid' | 'unavailable' | 'congestion' | 'cancelled' | 'error';
export type AmdResult = 'human' | 'machine' | 'unknown';

export type CallEvent =
  | { type: 'trying'; callId: string; atMs: number }
  | { type: 'ringing'; callId: string; atMs: number; earlyMedia: boolean }
  | { type: 'answered'; callId: string; atMs: number }
  | { type: 'amd'; callId: string; atMs: number; result: AmdResult; decisionMs: number; cause?: string }
  | { type: 'beep'; callId: string; atMs: number }
  | { type: 'failed'; callId: string; atMs: number; reason: FailureReason; sipCause?: number }
  | { type: 'bridged'; callId: string; atMs: number; agentId: string }
  | { type: 'hangup'; callId: string; atMs: number; by: 'remote' | 'local' | 'system'; sipCause?: number };

export type CallEventType = CallEvent['type'];

export interface OriginateRequest {
  /** The call attempt id (the call record's primary key): one per originate. */
  callId: string;
  campaignId?: string;
  /** E.164. */
  to: string;
  /** E.164 caller ID presented to the callee. */
  callerId: string;
  /** Give up with `failed: no-answer` after this long without an answer (>= 15 s by policy). */
  ringTimeoutMs: number;
  amd: { enabled: boolean; detectBeep?: boolean };
}

export type OriginateResult = { ok: true } | { ok: false; reason: 'no_capacity' | 'not_ready' | 'duplicate_call_id' };

export interface TelephonyCapacity {
  /** Concurrent call sessions that can still be opened. */
  freeSessions: number;
  /** Calls that may be started now under the calls-per-second limit. */
  cpsTokens: number;
}

export interface AgentEndpoint {
  agentId: string;
  /** SIP contact (softphone or WebRTC gateway); ignored by the simulated adapter. */
  contact?: string;
}

/**
 * An agent's nailed-up leg went away by itself. `remote`: the agent's softphone hung up (BYE);
 * `media`: the media server ended the leg or was lost; `signaling`: the connection to the SIP
 * server was lost.
 */
export interface AgentLegLost {
  agentId: string;
  atMs: number;
  cause: 'remote' | 'media' | 'signaling';
}

export type BridgeResult = { ok: true } | { ok: false; reason: 'call_gone' | 'agent_unavailable' | 'not_answered' };

/**
 * A recording that was started: `path` is the reference the caller gave (relative to the recordings
 * directory), kept on the call record. `call_gone`: no such call in progress; `not_answered`: nothing
 * to record yet.
 */
export type RecordingResult = { ok: true; path: string } | { ok: false; reason: 'call_gone' | 'not_answered' };

export interface TelephonyPort {
  /** Starts a call; events arrive through `onEvent` until exactly one terminal event. */
  originate(request: OriginateRequest, onEvent: (event: CallEvent) => void): Promise<OriginateResult>;
  /** Cancels a call not yet answered; if the answer wins the race the call is hung up instead. */
  cancel(callId: string): Promise<void>;
  /** Connects an answered call to a logged-in agent; `bridged` is emitted before it resolves ok. */
  bridge(callId: string, agentId: string): Promise<BridgeResult>;
  /** Plays a prompt to the callee (identification message, voicemail drop); resolves when it ends. */
  playPrompt(callId: string, prompt: { file: string }): Promise<void>;
  hangup(callId: string): Promise<void>;
  /**
   * Starts recording an answered call to `path` (relative to the recordings directory, e.g.
   * `<campaignId>/<yyyy-mm-dd>/<callId>.wav`): 8 kHz WAV of both directions of the callee's leg
   * (callee and agent, or callee and prompt). The recording stops by itself at hang-up. Starting a
   * call's recording again answers ok with the path already in use. Rejects with a PacerError
   * (`TELEPHONY_UNAVAILABLE`) when the media server refuses.
   *
   * @example
   * ```ts
   * const rec = await telephony.startRecording(callId, { path: `${campaignId}/2026-07-01/${callId}.wav` });
   * if (rec.ok) session.recordingStarted(rec.path);
   * ```
   */
  startRecording(callId: string, options: { path: string }): Promise<RecordingResult>;
  /**
   * Logs an agent in: sets up its leg (a nailed-up SIP leg with the drachtio adapter). If that leg
   * later goes away by itself, the adapter logs the agent out and calls `onLost` once: the agent
   * can no longer be bridged (`agent_unavailable`) until it logs in again, and a call it is bridged
   * to stays the caller's to end. Never called after `agentLogout` or `close`. Logging in again
   * (same contact) keeps the leg and replaces the handler.
   *
   * @example
   * ```ts
   * await telephony.agentLogin({ agentId, contact }, (lost) => roster.agentLegLost(lost.agentId));
   * ```
   */
  agentLogin(agent: AgentEndpoint, onLost?: (lost: AgentLegLost) => void): Promise<void>;
  agentLogout(agentId: string): Promise<void>;
  capacity(): TelephonyCapacity;
  /** Reachable and able to place calls (for /readyz). */
  ready(): boolean;
  /** Idempotent. */
  close(): Promise<void>;
}
