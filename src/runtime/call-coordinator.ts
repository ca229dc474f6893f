import { AgentRoster, type AgentState } from '../domain/agent/agent-roster.ts';
import type { CallEffect, CallRecordPatch, CallSession } from '../domain/call/call-session.ts';
import type { AbandonLedger } from '../domain/compliance/abandon-ledger.ts';
import type { CallSnapshot, PacingObservation, PacingPolicy } from '../domain/pacing/pacing-policy.ts';
import type { Logger } from '../domain/ports/logger.ts';
import { NO_RUNTIME_METRICS, type RuntimeMetrics } from '../domain/ports/metrics.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { CallEvent, TelephonyPort } from '../domain/ports/telephony-port.ts';
import type { RecordingSettings } from '../domain/campaign/campaign.ts';
import { recordingWanted, startCallRecording } from './call-recording.ts';

/**
 * The identification message a campaign without its own `abandonMessage` plays: the generic prompt
 * shipped in config/freeswitch/sounds/pacer (resolved by FreeSWITCH's `sound_prefix`, see vars.xml).
 * A campaign should record its own, naming the caller and a number to call back.
 */
export const DEFAULT_ABANDON_MESSAGE = 'identification.wav';

/** The pause reason of an agent whose telephony leg went away. */
export const AGENT_LEG_LOST = 'agent_leg_lost';

/** What the coordinator tells the outside world (agent streams, stats, the lead bookkeeping). */
export interface CoordinatorListener {
  /** A call reached an agent: the screen pop. */
  onBridged?(agentId: string, callId: string): void;
  onAgentState?(agentId: string, state: AgentState, reason: string | undefined): void;
  /** The call ended; the record is final. Must not throw; its promise is awaited by `whenIdle`. */
  onCallEnded(callId: string, record: CallRecordPatch): Promise<void>;
  /** A record changed at a transition (answered, connected); best effort. */
  onCallUpdated?(callId: string, record: Readonly<CallRecordPatch>): Promise<void>;
}

export interface CallCoordinatorOptions {
  scheduler: Scheduler;
  telephony: TelephonyPort;
  policy: PacingPolicy;
  ledger: AbandonLedger;
  logger: Logger;
  listener: CoordinatorListener;
  abandonMessage: string | null;
  voicemailMessage: string | null;
  wrapUpLimitMs: number;
  metrics?: RuntimeMetrics;
  campaignId?: string;
  /** The campaign's recording setting (read at each call's bridge or abandon); unset: no recording. */
  recording?: RecordingSettings;
}

interface LiveCall {
  session: CallSession;
  phone: string;
  log: Logger;
  cancelDeadline: (() => void) | undefined;
  /** The agent that owns this callback, if any. */
  ownerAgentId: string | undefined;
}

/**
 * Runs the calls and agents of one campaign on one node: feeds telephony events to each call's
 * {@link CallSession}, carries out its effects (reserve the longest-idle agent, bridge, identification
 * message, voicemail, hang-up), moves agents through their states, and reports every ended call to the
 * ledger, the pacing policy and the listener. All asynchronous work is tracked so `whenIdle()` can
 * wait for it (virtual-clock tests, graceful shutdown).
 */
export class CallCoordinator {
  readonly roster = new AgentRoster();
  readonly #o: CallCoordinatorOptions;
  readonly #calls = new Map<string, LiveCall>();
  /** Live answers waiting for an agent, oldest deadline first. */
  readonly #waiting: string[] = [];
  readonly #wrapTimers = new Map<string, () => void>();
  /** Agents whose telephony leg is gone: never reserved again until they log in again. */
  readonly #legLost = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #metrics: RuntimeMetrics;
  readonly #campaignId: string;

  constructor(options: CallCoordinatorOptions) {
    this.#o = options;
    this.#metrics = options.metrics ?? NO_RUNTIME_METRICS;
    this.#campaignId = options.campaignId ?? 'unknown';
  }

  get liveCallCount(): number {
    return this.#calls.size;
  }

  isNumberLive(e164: string): boolean {
    for (const c of this.#calls.values()) if (c.phone === e164) return true;
    return false;
  }

  /** Calls as the pacing engine sees them. */
  pacingCalls(): CallSnapshot[] {
    const out: CallSnapshot[] = [];
    for (const { session } of this.#calls.values()) {
      const r = session.record;
      switch (session.phase) {
        case 'dialing':
          out.push({ stage: 'dialing', originatedAtMs: r.originatedAtMs, stageSinceMs: r.originatedAtMs });
          break;
        case 'answered':
          out.push({ stage: 'answered', originatedAtMs: r.originatedAtMs, stageSinceMs: r.answeredAtMs ?? r.originatedAtMs });
          break;
        case 'waiting_agent':
        case 'bridging':
          out.push({ stage: 'waiting_agent', originatedAtMs: r.originatedAtMs, stageSinceMs: r.greetingEndedAtMs ?? r.answeredAtMs ?? r.originatedAtMs });
          break;
        default:
          break;
      }
    }
    return out;
  }

  callCountsByPhase(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { session } of this.#calls.values()) {
      const phase = session.phase === 'dialing' && session.record.ringingAtMs !== undefined ? 'ringing' : session.phase;
      counts[phase] = (counts[phase] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * Registers a call about to be originated; returns the event sink to give the telephony port.
   * `ownerAgentId`: an agent-owned callback, offered to that agent when it answers if the agent is
   * ready; otherwise the longest-idle ready agent takes it (a live callee is never kept waiting for one agent).
   */
  track(callId: string, phone: string, session: CallSession, log: Logger, ownerAgentId?: string): (event: CallEvent) => void {
    this.#calls.set(callId, { session, phone, log, cancelDeadline: undefined, ownerAgentId });
    return (event) => this.#onEvent(callId, event);
  }

  /** The originate was refused by the port: the call never existed on the network. */
  untrack(callId: string): void {
    this.#calls.delete(callId);
  }

  /** Waits until every started asynchronous step (including ones started meanwhile) has finished. */
  async whenIdle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #run(label: string, log: Logger, work: () => Promise<unknown>, options: { tracked?: boolean } = {}): void {
    const p = work().catch((err: unknown) => log.error({ err, step: label }, 'call step failed'));
    // A prompt lasts seconds of telephony time: waiting for it in whenIdle() would stall a virtual
    // clock that only moves once the runtime is idle. Its end (the hang-up) arrives as a call event.
    if (options.tracked === false) return;
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  #onEvent(callId: string, event: CallEvent): void {
    const call = this.#calls.get(callId);
    if (call === undefined) return;
    const { effects, rejected } = call.session.onEvent(event);
    if (rejected) {
      call.log.warn({ event: event.type }, 'telephony event breaks the port invariants: ignored');
      return;
    }
    if (event.type === 'answered') this.#metrics.callAnswered(this.#campaignId);
    if (event.type === 'amd') this.#metrics.amdDecision(this.#campaignId, event.result, event.decisionMs);
    if (event.type === 'bridged') {
      const r = call.session.record;
      if (r.answeredAtMs !== undefined && r.agentConnectedAtMs !== undefined) this.#metrics.answerToBridgeMs(this.#campaignId, r.agentConnectedAtMs - r.answeredAtMs);
    }
    if (event.type === 'answered' || event.type === 'bridged') {
      const update = this.#o.listener.onCallUpdated;
      if (update !== undefined) this.#run('record_update', call.log, () => update.call(this.#o.listener, callId, call.session.record));
      if (event.type === 'bridged') {
        this.#o.listener.onBridged?.(event.agentId, callId);
        if (recordingWanted(this.#o.recording, 'bridged')) this.#run('recording', call.log, () => this.#recording(callId, call));
      }
    }
    this.#perform(callId, effects);
  }

  #perform(callId: string, effects: readonly CallEffect[]): void {
    const call = this.#calls.get(callId);
    if (call === undefined) return;
    const { telephony, scheduler } = this.#o;
    for (const effect of effects) {
      switch (effect.type) {
        case 'reserve_agent': {
          const owner = call.ownerAgentId;
          const agentId = owner !== undefined && this.roster.reserve(owner, callId, scheduler.nowMs()) ? owner : this.roster.reserveLongestIdle(callId, scheduler.nowMs());
          if (agentId !== undefined) {
            this.#agentChanged(agentId);
            this.#perform(callId, call.session.offerAgent(agentId, scheduler.nowMs()));
          } else {
            this.#queue(callId, call, effect.deadlineMs);
          }
          break;
        }
        case 'bridge':
          this.#run('bridge', call.log, async () => {
            const result = await telephony.bridge(callId, effect.agentId);
            if (result.ok) {
              // Only an agent still reserved for this live call goes on_call: a call that ended while
              // the bridge was under way has already given its agent back.
              const agent = this.roster.get(effect.agentId);
              if (agent?.state !== 'reserved' || agent.callId !== callId || !this.#calls.has(callId)) return;
              this.roster.transition(effect.agentId, 'on_call', 'system', scheduler.nowMs());
              this.#agentChanged(effect.agentId);
              // The leg dropped while the bridge was under way: nobody is there to talk to.
              if (this.#legLost.has(effect.agentId)) await telephony.hangup(callId);
            } else {
              call.log.warn({ agentId: effect.agentId, reason: result.reason }, 'bridge failed');
              this.#perform(callId, call.session.bridgeFailed(effect.agentId, scheduler.nowMs()));
              // Back in line for another agent, under its abandon deadline (offered at once only when
              // the failed agent cannot be picked again, e.g. its leg is lost).
              if (call.session.phase === 'waiting_agent') {
                this.#queue(callId, call, call.session.deadlineMs ?? Infinity);
                if (this.roster.get(effect.agentId)?.state !== 'ready') this.#offerWaiting();
              }
            }
            // Untracked like a prompt: a bridge takes telephony time (it resolves after `bridged`).
          }, { tracked: false });
          break;
        case 'release_agent': {
          const agent = this.roster.get(effect.agentId);
          // The bridge won the race but the call ended before its `bridged` event: the agent was put
          // through, so it wraps up (and may set a disposition) instead of staying on_call forever.
          if (agent?.state === 'on_call' && agent.callId === callId) {
            this.#startWrapUp(effect.agentId, 0);
            break;
          }
          if (agent?.state === 'reserved') {
            const lost = this.#legLost.has(effect.agentId);
            this.roster.transition(effect.agentId, lost ? 'paused' : 'ready', 'system', scheduler.nowMs(), lost ? AGENT_LEG_LOST : undefined);
            this.#agentChanged(effect.agentId);
            if (!lost) this.#offerWaiting();
          }
          break;
        }
        case 'play_abandon_message':
          this.#dropFromWaiting(callId);
          this.#run('abandon_message', call.log, async () => {
            try {
              if (recordingWanted(this.#o.recording, 'abandon_message')) await this.#recording(callId, call);
              await telephony.playPrompt(callId, { file: this.#o.abandonMessage ?? DEFAULT_ABANDON_MESSAGE });
            } catch (err) {
              call.session.abandonMessageFailed();
              throw err;
            } finally {
              await telephony.hangup(callId);
            }
          }, { tracked: false });
          break;
        case 'hangup':
          // After an abandon message the hang-up follows the prompt (above).
          if (call.session.phase !== 'abandoning') this.#run('hangup', call.log, () => telephony.hangup(callId));
          break;
        case 'wait_beep':
          call.cancelDeadline = scheduler.at(effect.untilMs, () => this.#perform(callId, [{ type: 'play_voicemail' }]));
          break;
        case 'play_voicemail':
          call.cancelDeadline?.();
          this.#run('voicemail', call.log, async () => {
            try {
              await telephony.playPrompt(callId, { file: this.#o.voicemailMessage ?? 'voicemail' });
            } finally {
              await telephony.hangup(callId);
            }
          }, { tracked: false });
          break;
        case 'agent_call_ended':
          this.#startWrapUp(effect.agentId, effect.talkMs);
          break;
        case 'ended':
          this.#ended(callId, call, effect.record, effect.observation);
          break;
      }
    }
  }

  /** Starts the call's recording (`call-recording.ts`); the record with its path goes to the write-behind. */
  async #recording(callId: string, call: LiveCall): Promise<void> {
    if (!(await startCallRecording(this.#o.telephony, { callId, session: call.session, log: call.log }, { campaignId: this.#campaignId, nowMs: this.#o.scheduler.nowMs() }))) return;
    await this.#o.listener.onCallUpdated?.(callId, call.session.record);
  }

  #ended(callId: string, call: LiveCall, record: CallRecordPatch, observation: PacingObservation): void {
    call.cancelDeadline?.();
    this.#dropFromWaiting(callId);
    this.#calls.delete(callId);
    const now = this.#o.scheduler.nowMs();
    const { ledger, policy } = this.#o;
    if (observation.type === 'call_ended' && observation.result === 'human') {
      ledger.record('live_answer', now);
      if (observation.abandoned) ledger.record('abandon', now);
      if (record.amdResult === 'human') ledger.record('amd_passed_human', now);
    }
    policy.observe(observation);
    this.#metrics.callEnded(this.#campaignId, record.outcome ?? 'unknown', record.abandoned);
    call.log.info({ outcome: record.outcome, abandoned: record.abandoned, agentId: record.agentId }, 'call ended');
    this.#run('record_end', call.log, () => this.#o.listener.onCallEnded(callId, record));
  }

  /** A live answer waits for an agent; at its deadline it is abandoned (identification message). */
  #queue(callId: string, call: LiveCall, deadlineMs: number): void {
    if (!this.#waiting.includes(callId)) this.#waiting.push(callId);
    call.cancelDeadline?.();
    // A wall-clock timer may fire a millisecond before Date.now() reaches its time (libuv's clock is
    // not Date's): the tick is for the deadline's passing, so it never reads an earlier time, or the
    // call would wait, timerless, until the callee hangs up.
    call.cancelDeadline = Number.isFinite(deadlineMs) ? this.#o.scheduler.at(deadlineMs + 1, () => this.#perform(callId, call.session.tick(Math.max(this.#o.scheduler.nowMs(), deadlineMs + 1)))) : undefined;
  }

  #dropFromWaiting(callId: string): void {
    const i = this.#waiting.indexOf(callId);
    if (i >= 0) this.#waiting.splice(i, 1);
  }

  /** Gives ready agents to calls still waiting, oldest first. */
  #offerWaiting(): void {
    const now = this.#o.scheduler.nowMs();
    while (this.#waiting.length > 0) {
      const callId = this.#waiting[0];
      if (callId === undefined) return;
      const call = this.#calls.get(callId);
      if (call === undefined || call.session.phase !== 'waiting_agent') {
        this.#waiting.shift();
        continue;
      }
      // Past its deadline (its timer has not run yet): abandon it now, with its message, rather than
      // offer it an agent it may no longer get (the refused offer would leave it waiting, timerless).
      const deadlineMs = call.session.deadlineMs;
      if (deadlineMs !== undefined && now > deadlineMs) {
        this.#waiting.shift();
        call.cancelDeadline?.();
        this.#perform(callId, call.session.tick(now));
        continue;
      }
      const agentId = this.roster.reserveLongestIdle(callId, now);
      if (agentId === undefined) return;
      this.#waiting.shift();
      call.cancelDeadline?.();
      this.#agentChanged(agentId);
      this.#perform(callId, call.session.offerAgent(agentId, now));
    }
  }

  #startWrapUp(agentId: string, talkMs: number): void {
    const now = this.#o.scheduler.nowMs();
    this.roster.transition(agentId, 'wrap_up', 'system', now);
    this.#agentChanged(agentId);
    this.#o.policy.observe({ type: 'agent_call_ended', talkMs, atMs: now });
    const cancel = this.#o.scheduler.at(now + this.#o.wrapUpLimitMs, () => this.endWrapUp(agentId, 'ready'));
    this.#wrapTimers.set(agentId, cancel);
  }

  /** Ends an agent's wrap-up (disposition set, or the limit reached); an agent without a leg is paused. */
  endWrapUp(agentId: string, requested: 'ready' | 'paused', requestedReason?: string): boolean {
    const agent = this.roster.get(agentId);
    if (agent?.state !== 'wrap_up') return false;
    const lost = this.#legLost.has(agentId);
    const next = lost ? 'paused' : requested;
    const reason = lost ? AGENT_LEG_LOST : requestedReason;
    this.#wrapTimers.get(agentId)?.();
    this.#wrapTimers.delete(agentId);
    const now = this.#o.scheduler.nowMs();
    this.#o.policy.observe({ type: 'agent_wrap_ended', wrapMs: now - agent.stateSinceMs, atMs: now });
    this.roster.transition(agentId, next, 'system', now, reason);
    this.#agentChanged(agentId);
    if (next === 'ready') this.#offerWaiting();
    return true;
  }

  /**
   * The agent's telephony leg went away by itself (see `TelephonyPort.agentLogin`). A free agent is
   * paused at once with reason `agent_leg_lost`; a call it is talking on is hung up (the call ends
   * as any other, its record written) and the agent is paused when it is freed (after its
   * wrap-up). It is never
   * reserved again until {@link agentLoggedIn}.
   */
  agentLegLost(agentId: string): void {
    const agent = this.roster.get(agentId);
    if (agent === undefined || agent.state === 'logged_out') return;
    this.#legLost.add(agentId);
    const now = this.#o.scheduler.nowMs();
    switch (agent.state) {
      case 'ready':
      case 'paused':
        this.roster.transition(agentId, 'paused', 'system', now, AGENT_LEG_LOST);
        this.#agentChanged(agentId);
        break;
      case 'on_call': {
        const callId = agent.callId;
        const call = callId === undefined ? undefined : this.#calls.get(callId);
        // Hung up, or abandoned with the message when the agent vanished right after the connect.
        if (callId !== undefined && call !== undefined) this.#perform(callId, call.session.agentLost(now));
        break;
      }
      case 'reserved':
      case 'wrap_up':
        // Paused when freed: a bridge under way fails (agent_unavailable) or, if it won the race, is
        // hung up; a wrap-up ends as usual (the disposition can still be set).
        break;
    }
  }

  /** The agent logged in to telephony again: it may be reserved once it is ready. */
  agentLoggedIn(agentId: string): void {
    this.#legLost.delete(agentId);
  }

  /** Whether the agent must log in to telephony before taking calls (unknown, logged out, or its leg lost). */
  needsTelephonyLogin(agentId: string): boolean {
    const state = this.roster.get(agentId)?.state;
    return state === undefined || state === 'logged_out' || this.#legLost.has(agentId);
  }

  /** An agent (or supervisor) asks for a state: ready, paused (with reason) or logged out. */
  setAgentState(agentId: string, state: 'ready' | 'paused' | 'logged_out', reason?: string): { ok: true } | { ok: false; reason: string; from?: AgentState } {
    const now = this.#o.scheduler.nowMs();
    this.roster.add(agentId, now);
    // Without a leg the agent cannot take calls: it must log in to telephony first.
    if (state === 'ready' && this.#legLost.has(agentId)) return { ok: false, reason: AGENT_LEG_LOST };
    if (this.roster.get(agentId)?.state === 'wrap_up') {
      if (state === 'logged_out') {
        this.endWrapUp(agentId, 'paused', 'logout');
      } else {
        return this.endWrapUp(agentId, state, reason) ? { ok: true } : { ok: false, reason: 'illegal_transition' };
      }
    }
    const r = this.roster.transition(agentId, state, 'agent', now, reason);
    if (!r.ok) return r.from === undefined ? { ok: false, reason: r.reason } : { ok: false, reason: r.reason, from: r.from };
    this.#agentChanged(agentId);
    if (state === 'logged_out') this.#legLost.delete(agentId);
    if (state === 'ready') this.#offerWaiting();
    return { ok: true };
  }

  #agentChanged(agentId: string): void {
    const a = this.roster.get(agentId);
    if (a !== undefined) this.#o.listener.onAgentState?.(agentId, a.state, a.reason);
  }

  /** When a live call was bridged to its agent (epoch ms); undefined when it is not live or not bridged. */
  bridgedAtMs(callId: string): number | undefined {
    return this.#calls.get(callId)?.session.record.agentConnectedAtMs;
  }

  /**
   * Ends one live call at the request of the agent connected to it (`byAgentId`) or of a supervisor
   * (undefined): hang-up by `local`; a bridged agent goes to wrap-up as when the callee hangs up.
   */
  async hangup(callId: string, byAgentId?: string): Promise<'ok' | 'not_live' | 'not_yours'> {
    const call = this.#calls.get(callId);
    if (call === undefined) return 'not_live';
    if (byAgentId !== undefined && call.session.record.agentId !== byAgentId) return 'not_yours';
    await this.#o.telephony.hangup(callId);
    return 'ok';
  }

  /** Hangs up every live call (shutdown after the drain period). */
  async hangupAll(): Promise<void> {
    await Promise.allSettled([...this.#calls.keys()].map((id) => this.#o.telephony.hangup(id)));
    await this.whenIdle();
  }
}
