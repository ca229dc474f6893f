import type { CallOutcome } from './call-outcome.ts';
import type { AmdResult, CallEvent, FailureReason } from '../ports/telephony-port.ts';
import type { PacingObservation } from '../pacing/pacing-policy.ts';
import { checkCallEventSequence } from './call-event-sequence.ts';

/**
 * The 2-second rule (US TSR 16 CFR 310.4(b)(4)(iii), FCC 47 CFR 64.1200(a)(7)(i); Ofcom's persistent
 * misuse policy): within this long of the greeting's end an answered person must be talking to an
 * agent or hearing the identification message.
 */
export const ABANDON_AFTER_GREETING_MS = 2000;

/**
 * Head-room kept inside {@link ABANDON_AFTER_GREETING_MS} for the media server to start the
 * identification message (the prompt is fetched and FreeSWITCH's playback begins). On the live
 * stack the message started 36 ms after a 2 000 ms wait, i.e. too late; 500 ms covers a loaded media
 * server.
 */
export const MESSAGE_START_MARGIN_MS = 500;

/** How long a live answer waits for an agent before it is abandoned and hears the message. */
export const CONNECT_WITHIN_MS = ABANDON_AFTER_GREETING_MS - MESSAGE_START_MARGIN_MS;

export type MachineAction = 'hangup' | 'voicemail' | 'agent';

export interface CallSessionConfig {
  callId: string;
  amdEnabled: boolean;
  machineAction: MachineAction;
  /** How long to wait for a beep before dropping the voicemail anyway. */
  beepTimeoutMs: number;
}

export type CallPhase = 'dialing' | 'answered' | 'waiting_agent' | 'bridging' | 'connected' | 'machine' | 'abandoning' | 'ended';

export type { CallOutcome } from './call-outcome.ts';

/** What the runtime must do; the session itself performs no I/O. */
export type CallEffect =
  | { type: 'reserve_agent'; deadlineMs: number }
  | { type: 'bridge'; agentId: string }
  | { type: 'release_agent'; agentId: string }
  | { type: 'play_abandon_message' }
  | { type: 'wait_beep'; untilMs: number }
  | { type: 'play_voicemail' }
  | { type: 'hangup' }
  | { type: 'agent_call_ended'; agentId: string; talkMs: number }
  | { type: 'ended'; record: CallRecordPatch; observation: PacingObservation };

/** The call-record fields the session knows (epoch ms). */
export interface CallRecordPatch {
  originatedAtMs: number;
  ringingAtMs?: number;
  answeredAtMs?: number;
  greetingEndedAtMs?: number;
  agentConnectedAtMs?: number;
  endedAtMs?: number;
  outcome?: CallOutcome;
  sipCause?: number;
  amdResult?: AmdResult;
  amdDecisionMs?: number;
  abandoned: boolean;
  messagePlayed: boolean;
  agentId?: string;
  /** The call's recording, relative to the recordings directory, once it started. */
  recordingPath?: string;
}

const failureOutcome: Record<FailureReason, CallOutcome> = {
  busy: 'busy',
  'no-answer': 'no_answer',
  invalid: 'invalid',
  unavailable: 'unavailable',
  congestion: 'congestion',
  cancelled: 'cancelled',
  error: 'failed',
};

/**
 * One outbound call from origination to hang-up, as a state machine: telephony events and agent
 * offers go in, effects for the runtime come out. It owns the abandon rule: a live answer not
 * connected within {@link CONNECT_WITHIN_MS} of the greeting's end is abandoned and hears the
 * identification message, which so starts within {@link ABANDON_AFTER_GREETING_MS}, and is counted.
 *
 * The greeting ends when AMD classifies the call human (mod_amd decides at the silence after the
 * callee's greeting); with AMD off, at the answer.
 *
 * @example
 * ```ts
 * const session = new CallSession({ callId, amdEnabled: true, machineAction: 'hangup', beepTimeoutMs: 30_000 }, nowMs);
 * for (const effect of session.onEvent(event)) await runtime.perform(session, effect);
 * ```
 */
export class CallSession {
  readonly config: CallSessionConfig;
  #phase: CallPhase = 'dialing';
  readonly #record: CallRecordPatch;
  readonly #events: CallEvent[] = [];
  #deadlineMs: number | undefined;
  #reservedAgent: string | undefined;
  #isLiveAnswer = false;

  constructor(config: CallSessionConfig, originatedAtMs: number) {
    this.config = config;
    this.#record = { originatedAtMs, abandoned: false, messagePlayed: false };
  }

  get phase(): CallPhase {
    return this.#phase;
  }

  /** When the abandon clock runs out, while the call waits for an agent. */
  get deadlineMs(): number | undefined {
    return this.#phase === 'waiting_agent' || this.#phase === 'bridging' ? this.#deadlineMs : undefined;
  }

  get record(): Readonly<CallRecordPatch> {
    return this.#record;
  }

  /** Applies a telephony event. Events that break the port's invariants are refused (returned as `rejected`). */
  onEvent(event: CallEvent): { effects: CallEffect[]; rejected: boolean } {
    if (checkCallEventSequence([...this.#events, event], { complete: false }).length > 0) return { effects: [], rejected: true };
    this.#events.push(event);
    const r = this.#record;
    switch (event.type) {
      case 'trying':
        return { effects: [], rejected: false };
      case 'ringing':
        r.ringingAtMs ??= event.atMs;
        return { effects: [], rejected: false };
      case 'answered':
        r.answeredAtMs = event.atMs;
        this.#phase = 'answered';
        if (!this.config.amdEnabled) return { effects: this.#liveAnswer(event.atMs), rejected: false };
        return { effects: [], rejected: false };
      case 'amd':
        return { effects: this.#onAmd(event.result, event.atMs, event.decisionMs), rejected: false };
      case 'beep':
        if (this.#phase === 'machine' && this.config.machineAction === 'voicemail') return { effects: [{ type: 'play_voicemail' }], rejected: false };
        return { effects: [], rejected: false };
      case 'bridged':
        if (this.#phase === 'bridging' || this.#phase === 'waiting_agent') {
          this.#phase = 'connected';
          r.agentConnectedAtMs = event.atMs;
          r.agentId = event.agentId;
        }
        return { effects: [], rejected: false };
      case 'failed':
        r.outcome = failureOutcome[event.reason];
        if (event.sipCause !== undefined) r.sipCause = event.sipCause;
        return { effects: this.#end(event.atMs), rejected: false };
      case 'hangup':
        if (event.sipCause !== undefined) r.sipCause ??= event.sipCause;
        return { effects: this.#end(event.atMs), rejected: false };
    }
  }

  /** An agent was reserved for this call: bridge it if the call still waits, else give it back. */
  offerAgent(agentId: string, nowMs: number): CallEffect[] {
    if (this.#phase !== 'waiting_agent' || (this.#deadlineMs !== undefined && nowMs > this.#deadlineMs)) {
      return [{ type: 'release_agent', agentId }];
    }
    this.#phase = 'bridging';
    this.#reservedAgent = agentId;
    return [{ type: 'bridge', agentId }];
  }

  /** The bridge failed (agent leg gone): back to waiting, the abandon clock still runs. */
  bridgeFailed(agentId: string, nowMs: number): CallEffect[] {
    if (this.#phase !== 'bridging') return [];
    this.#reservedAgent = undefined;
    this.#phase = 'waiting_agent';
    const effects: CallEffect[] = [{ type: 'release_agent', agentId }];
    return effects.concat(this.tick(nowMs));
  }

  /** Time passes: abandons a live answer whose deadline ran out with no agent connected. */
  tick(nowMs: number): CallEffect[] {
    if (this.#phase !== 'waiting_agent' || this.#deadlineMs === undefined || nowMs <= this.#deadlineMs) return [];
    this.#phase = 'abandoning';
    this.#record.abandoned = true;
    this.#record.messagePlayed = true;
    return [{ type: 'play_abandon_message' }, { type: 'hangup' }];
  }

  /** The telephony port started recording this call to `path`. */
  recordingStarted(path: string): void {
    this.#record.recordingPath = path;
  }

  /**
   * The connected agent's leg went away (softphone closed, network lost). Within the 2 seconds of the
   * rule after the connect, nobody has spoken to the callee: the call is abandoned like one that got
   * no agent (the identification message, then the hang-up, counted in the ledger). Later, it is
   * simply hung up (the conversation had started). Ignored unless the call is connected.
   */
  agentLost(nowMs: number): CallEffect[] {
    if (this.#phase !== 'connected') return [];
    const connectedAt = this.#record.agentConnectedAtMs ?? nowMs;
    if (nowMs - connectedAt >= ABANDON_AFTER_GREETING_MS) return [{ type: 'hangup' }];
    this.#phase = 'abandoning';
    this.#record.abandoned = true;
    this.#record.messagePlayed = true;
    return [{ type: 'play_abandon_message' }, { type: 'hangup' }];
  }

  /** The identification message did not play (call gone, media error). */
  abandonMessageFailed(): void {
    this.#record.messagePlayed = false;
  }

  #liveAnswer(greetingEndMs: number): CallEffect[] {
    this.#isLiveAnswer = true;
    this.#record.outcome = 'human';
    this.#record.greetingEndedAtMs = greetingEndMs;
    this.#deadlineMs = greetingEndMs + CONNECT_WITHIN_MS;
    this.#phase = 'waiting_agent';
    return [{ type: 'reserve_agent', deadlineMs: this.#deadlineMs }];
  }

  #onAmd(result: AmdResult, atMs: number, decisionMs: number): CallEffect[] {
    if (this.#phase !== 'answered') return [];
    this.#record.amdResult = result;
    this.#record.amdDecisionMs = decisionMs;
    // NOTSURE goes to an agent: a live person must never be dropped on a guess.
    if (result !== 'machine') return this.#liveAnswer(atMs);
    this.#record.outcome = 'machine';
    this.#phase = 'machine';
    switch (this.config.machineAction) {
      case 'hangup':
        return [{ type: 'hangup' }];
      case 'voicemail':
        return [{ type: 'wait_beep', untilMs: atMs + this.config.beepTimeoutMs }];
      case 'agent':
        this.#phase = 'waiting_agent';
        this.#deadlineMs = undefined;
        return [{ type: 'reserve_agent', deadlineMs: Number.POSITIVE_INFINITY }];
    }
  }

  #end(atMs: number): CallEffect[] {
    const r = this.#record;
    const wasConnected = this.#phase === 'connected';
    const waited = this.#phase === 'waiting_agent' || this.#phase === 'bridging';
    // A live answer that hung up while still waiting, after its deadline, is abandoned (no message heard).
    if (waited && this.#isLiveAnswer && this.#deadlineMs !== undefined && atMs > this.#deadlineMs) r.abandoned = true;
    this.#phase = 'ended';
    r.endedAtMs = atMs;
    r.outcome ??= r.answeredAtMs !== undefined ? 'unknown' : 'failed';
    const effects: CallEffect[] = [];
    if (this.#reservedAgent !== undefined && !wasConnected) effects.push({ type: 'release_agent', agentId: this.#reservedAgent });
    if (wasConnected && r.agentId !== undefined && r.agentConnectedAtMs !== undefined) {
      effects.push({ type: 'agent_call_ended', agentId: r.agentId, talkMs: atMs - r.agentConnectedAtMs });
    }
    effects.push({ type: 'ended', record: { ...r }, observation: this.#observation(atMs) });
    return effects;
  }

  #observation(endedAtMs: number): PacingObservation {
    const r = this.#record;
    const result: 'human' | 'machine' | 'failed' | 'no_answer' = this.#isLiveAnswer
      ? 'human'
      : r.outcome === 'machine'
        ? 'machine'
        : r.outcome === 'no_answer'
          ? 'no_answer'
          : 'failed';
    const obs: PacingObservation = { type: 'call_ended', originatedAtMs: r.originatedAtMs, endedAtMs, result, abandoned: r.abandoned };
    if (r.answeredAtMs !== undefined) obs.answeredAtMs = r.answeredAtMs;
    if (this.#isLiveAnswer && r.greetingEndedAtMs !== undefined) obs.needsAgentAtMs = r.greetingEndedAtMs;
    if (this.#isLiveAnswer && r.agentConnectedAtMs !== undefined) obs.connectedAtMs = r.agentConnectedAtMs;
    return obs;
  }
}
