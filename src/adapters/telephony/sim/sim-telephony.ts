import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Prng } from '../../../sim/prng.ts';
import { isSafeRecordingPath } from '../../../domain/call/recording-path.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { Scheduler } from '../../../domain/ports/scheduler.ts';
import type {
  AgentEndpoint,
  AgentLegLost,
  BridgeResult,
  CallEvent,
  OriginateRequest,
  OriginateResult,
  RecordingResult,
  TelephonyCapacity,
  TelephonyPort,
} from '../../../domain/ports/telephony-port.ts';
import { silentWav } from './silent-wav.ts';
import { CalleeModel, DEFAULT_CALLEE_MODEL, type CalleeModelParams, type CalleeScript } from './callee-model.ts';

export interface SimTelephonyOptions {
  scheduler: Scheduler;
  seed: number;
  callee?: CalleeModelParams;
  /** Concurrent calls the simulated trunk carries. */
  maxSessions?: number;
  /** Calls per second the simulated trunk accepts. */
  callsPerSecond?: number;
  /** Time a bridge takes (a `uuid_bridge` on a nailed-up agent leg: tens of ms). */
  bridgeDelayMs?: number;
  /** Length of any prompt played. */
  promptMs?: number;
  /** Forces a callee's behaviour (tests, demos); undefined draws from the model. */
  script?: (request: OriginateRequest) => CalleeScript | undefined;
  /**
   * Where `startRecording` writes its stand-in file (a 0.5 s silent 8 kHz WAV, so the demo's
   * download route has something to serve). Unset: nothing is written, only the path is reported.
   */
  recordingsDir?: string;
}

/** Length of the silent WAV the simulated adapter writes per recording. */
const SIM_RECORDING_MS = 500;

/** mod_amd's causes for its decisions, as the real adapter reports them. */
const defaultAmdCause = { human: 'HUMAN', machine: 'LONGGREETING', unknown: 'TOOLONG' } as const;

interface SimCall {
  request: OriginateRequest;
  script: CalleeScript;
  emit: (event: CallEvent) => void;
  answered: boolean;
  ended: boolean;
  bridgedTo: string | undefined;
  recordingPath: string | undefined;
  timers: (() => void)[];
}

/**
 * The simulated telephony network: a product feature (the zero-setup demo, what-if runs), not a
 * mock. Callees ring, answer, are busy or never pick up, answering machines beep, AMD errs per its
 * confusion matrix, humans talk and hang up, all on the given scheduler (virtual or wall clock).
 * It keeps the port's invariants: one terminal event per call, `failed` only before `answered`.
 *
 * @example
 * ```ts
 * const telephony = new SimTelephony({ scheduler, seed: 1 });
 * await telephony.originate({ callId, to, callerId, ringTimeoutMs: 25_000, amd: { enabled: true } }, onEvent);
 * ```
 */
export class SimTelephony implements TelephonyPort {
  readonly #o: Required<Omit<SimTelephonyOptions, 'script' | 'callee' | 'recordingsDir'>> & Pick<SimTelephonyOptions, 'script' | 'recordingsDir'>;
  readonly #model: CalleeModel;
  readonly #rng: Prng;
  readonly #calls = new Map<string, SimCall>();
  /** Logged-in agents and who to tell if their leg drops. */
  readonly #agents = new Map<string, ((lost: AgentLegLost) => void) | undefined>();
  readonly #recentStartsMs: number[] = [];
  #closed = false;

  constructor(options: SimTelephonyOptions) {
    this.#o = {
      scheduler: options.scheduler,
      seed: options.seed,
      maxSessions: options.maxSessions ?? 5_000,
      callsPerSecond: options.callsPerSecond ?? 500,
      bridgeDelayMs: options.bridgeDelayMs ?? 40,
      promptMs: options.promptMs ?? 4_000,
      script: options.script,
      recordingsDir: options.recordingsDir,
    };
    this.#model = new CalleeModel(options.callee ?? DEFAULT_CALLEE_MODEL);
    this.#rng = new Prng(options.seed);
  }

  #now(): number {
    return this.#o.scheduler.nowMs();
  }

  #later(call: SimCall, delayMs: number, fn: () => void): void {
    call.timers.push(this.#o.scheduler.at(this.#now() + delayMs, () => {
      if (!call.ended) fn();
    }));
  }

  #terminal(call: SimCall, event: CallEvent): void {
    if (call.ended) return;
    call.ended = true;
    for (const cancel of call.timers) cancel();
    this.#calls.delete(call.request.callId);
    call.emit(event);
  }

  capacity(): TelephonyCapacity {
    const now = this.#now();
    while ((this.#recentStartsMs[0] ?? Infinity) <= now - 1000) this.#recentStartsMs.shift();
    return {
      freeSessions: Math.max(0, this.#o.maxSessions - this.#calls.size),
      cpsTokens: Math.max(0, this.#o.callsPerSecond - this.#recentStartsMs.length),
    };
  }

  ready(): boolean {
    return !this.#closed;
  }

  async originate(request: OriginateRequest, onEvent: (event: CallEvent) => void): Promise<OriginateResult> {
    if (this.#closed) return { ok: false, reason: 'not_ready' };
    if (this.#calls.has(request.callId)) return { ok: false, reason: 'duplicate_call_id' };
    const cap = this.capacity();
    if (cap.freeSessions < 1 || cap.cpsTokens < 1) return { ok: false, reason: 'no_capacity' };
    this.#recentStartsMs.push(this.#now());
    const script = this.#o.script?.(request) ?? this.#model.draw(this.#rng);
    const call: SimCall = { request, script, emit: onEvent, answered: false, ended: false, bridgedTo: undefined, recordingPath: undefined, timers: [] };
    this.#calls.set(request.callId, call);
    const id = request.callId;
    this.#later(call, 0, () => call.emit({ type: 'trying', callId: id, atMs: this.#now() }));
    if (script.kind === 'failed') {
      this.#later(call, script.failAfterMs, () => this.#terminal(call, { type: 'failed', callId: id, atMs: this.#now(), reason: script.reason, sipCause: script.sipCause }));
      return { ok: true };
    }
    this.#later(call, script.ringMs, () => call.emit({ type: 'ringing', callId: id, atMs: this.#now(), earlyMedia: false }));
    const answerAtMs = script.kind === 'no_answer' ? Infinity : script.ringMs + script.answerAfterMs;
    if (answerAtMs >= request.ringTimeoutMs) {
      this.#later(call, request.ringTimeoutMs, () => this.#giveUp(call, 'no-answer'));
      return { ok: true };
    }
    if (script.kind === 'no_answer') return { ok: true };
    this.#later(call, answerAtMs, () => this.#answer(call, script));
    return { ok: true };
  }

  #answer(call: SimCall, script: Extract<CalleeScript, { kind: 'human' | 'machine' }>): void {
    const id = call.request.callId;
    call.answered = true;
    call.emit({ type: 'answered', callId: id, atMs: this.#now() });
    if (call.request.amd.enabled) {
      this.#later(call, script.amdDecisionMs, () =>
        call.emit({ type: 'amd', callId: id, atMs: this.#now(), result: script.amdResult, decisionMs: script.amdDecisionMs, cause: script.amdCause ?? defaultAmdCause[script.amdResult] }),
      );
    }
    if (script.kind === 'machine') {
      if (call.request.amd.detectBeep === true) {
        this.#later(call, script.beepAfterMs, () => call.emit({ type: 'beep', callId: id, atMs: this.#now() }));
      }
      // The machine records until its own limit, then hangs up.
      this.#later(call, script.beepAfterMs + 60_000, () => this.#terminal(call, { type: 'hangup', callId: id, atMs: this.#now(), by: 'remote' }));
      return;
    }
    // A live person left in silence hangs up after a while; once bridged, after the conversation.
    const decisionMs = call.request.amd.enabled ? script.amdDecisionMs : 0;
    this.#later(call, decisionMs + script.patienceMs, () => {
      if (call.bridgedTo === undefined) this.#terminal(call, { type: 'hangup', callId: id, atMs: this.#now(), by: 'remote' });
    });
  }

  async cancel(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined) return;
    this.#giveUp(call, 'cancelled');
  }

  /** The caller gives up (cancel or ring timeout). An answer that wins the race is hung up, never `failed`. */
  #giveUp(call: SimCall, reason: 'cancelled' | 'no-answer'): void {
    const callId = call.request.callId;
    if (!call.answered && call.script.kind === 'no_answer' && call.script.answersOnCancel === true) {
      call.answered = true;
      call.emit({ type: 'answered', callId, atMs: this.#now() });
    }
    if (call.answered) this.#terminal(call, { type: 'hangup', callId, atMs: this.#now(), by: 'local' });
    else this.#terminal(call, { type: 'failed', callId, atMs: this.#now(), reason, sipCause: 487 });
  }

  async bridge(callId: string, agentId: string): Promise<BridgeResult> {
    const call = this.#calls.get(callId);
    if (call === undefined) return { ok: false, reason: 'call_gone' };
    if (!call.answered) return { ok: false, reason: 'not_answered' };
    if (!this.#agents.has(agentId)) return { ok: false, reason: 'agent_unavailable' };
    const script = call.script;
    call.bridgedTo = agentId;
    // As the drachtio adapter does: `bridged` is emitted before bridge() resolves; a call that ends
    // while the bridge is under way resolves it with `call_gone` (never `ok` without `bridged`).
    return new Promise<BridgeResult>((resolve) => {
      call.timers.push(() => resolve({ ok: false, reason: 'call_gone' }));
      this.#later(call, this.#o.bridgeDelayMs, () => {
        call.emit({ type: 'bridged', callId, atMs: this.#now(), agentId });
        resolve({ ok: true });
        const talkMs = script.kind === 'human' || script.kind === 'machine' ? script.talkMs : 0;
        // A machine passed to an agent is dropped by the agent within seconds.
        const holdMs = script.kind === 'machine' ? 5_000 : talkMs;
        this.#later(call, holdMs, () => this.#terminal(call, { type: 'hangup', callId, atMs: this.#now(), by: 'remote' }));
      });
    });
  }

  playPrompt(callId: string, _prompt: { file: string }): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.#o.scheduler.at(this.#now() + this.#o.promptMs, resolve);
      call.timers.push(() => {
        cancel();
        resolve();
      });
    });
  }

  /**
   * Records nothing: reports the path (and, with `recordingsDir`, writes a short silent WAV there).
   * The port's rules hold: an answered live call only, the same path when asked again.
   */
  async startRecording(callId: string, options: { path: string }): Promise<RecordingResult> {
    if (!isSafeRecordingPath(options.path)) throw new PacerError('VALIDATION_FAILED', `not a relative recording path: '${options.path}'`, { issues: [{ field: 'path', reason: 'must be <campaignId>/<yyyy-mm-dd>/<callId>.wav-like: relative, no ..' }] });
    const call = this.#calls.get(callId);
    if (call === undefined || call.ended) return { ok: false, reason: 'call_gone' };
    if (!call.answered) return { ok: false, reason: 'not_answered' };
    if (call.recordingPath !== undefined) return { ok: true, path: call.recordingPath };
    call.recordingPath = options.path;
    const dir = this.#o.recordingsDir;
    if (dir !== undefined) {
      const file = join(dir, options.path);
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, silentWav(SIM_RECORDING_MS));
      } catch (err) {
        call.recordingPath = undefined;
        throw new PacerError('TELEPHONY_UNAVAILABLE', `the simulated recording ${options.path} could not be written`, { cause: err });
      }
    }
    return { ok: true, path: options.path };
  }

  async hangup(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined) return;
    if (!call.answered) return this.cancel(callId);
    this.#terminal(call, { type: 'hangup', callId, atMs: this.#now(), by: 'local' });
  }

  async agentLogin(agent: AgentEndpoint, onLost?: (lost: AgentLegLost) => void): Promise<void> {
    this.#agents.set(agent.agentId, onLost);
  }

  async agentLogout(agentId: string): Promise<void> {
    this.#agents.delete(agentId);
  }

  /**
   * The agent's leg goes away by itself (softphone hung up, network lost): the agent is logged out
   * and its `onLost` handler told, as the drachtio adapter does on the leg's BYE. A call bridged to
   * the agent is left to the caller to end. Returns false when the agent was not logged in.
   *
   * @example
   * ```ts
   * telephony.dropAgentLeg('a-17'); // the runtime pauses a-17 with reason agent_leg_lost
   * ```
   */
  dropAgentLeg(agentId: string, cause: AgentLegLost['cause'] = 'remote'): boolean {
    if (!this.#agents.has(agentId)) return false;
    const onLost = this.#agents.get(agentId);
    this.#agents.delete(agentId);
    onLost?.({ agentId, atMs: this.#now(), cause });
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#calls.values()]) {
      const atMs = this.#now();
      const id = call.request.callId;
      this.#terminal(call, call.answered ? { type: 'hangup', callId: id, atMs, by: 'system' } : { type: 'failed', callId: id, atMs, reason: 'error' });
    }
  }
}
