import type { AbandonLedger, AbandonLedgerEvent } from '../domain/compliance/abandon-ledger.ts';
import { createCampaignLedger, restoreAbandonLedger } from '../domain/compliance/campaign-ledger.ts';
import { PacerError } from '../domain/pacer-error.ts';
import type { PacingObservation, PacingPolicy, PacingSnapshot } from '../domain/pacing/pacing-policy.ts';
import { AGENT_MACHINE, AGENT_OUT, AGENT_PAUSED, AGENT_READY, AGENT_TALK, AGENT_WRAP, AgentPool } from './agent-pool.ts';
import { SimulationMetrics } from './simulation-metrics.ts';
import { CalleeModel, TRUTH_FAILED, TRUTH_HUMAN, TRUTH_MACHINE } from './callee-model.ts';
import { CallPool, type SimCall } from './call-pool.ts';
import { EventQueue } from './event-queue.ts';
import { LedgerHistory, scenarioLedgerSettings } from './ledger-history.ts';
import { Prng } from './prng.ts';
import { ScenarioEvents } from './scenario-events.ts';
import type { Scenario } from './scenario.ts';
import type { CallRecord } from './simulation-result.ts';

/** Virtual time origin: Monday 2026-01-05 08:00 UTC. Day d's shift starts at SIM_EPOCH_MS + d days. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 5, 8);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const K_TICK = 1, K_DECIDE = 2, K_ANSWER = 3, K_PASS = 4, K_CALL_END = 5, K_ABANDON = 6, K_TALK_END = 7, K_WRAP_END = 8;
const K_MACHINE_DONE = 9, K_PAUSE_REQ = 10, K_PAUSE_END = 11, K_SHIFT_START = 12, K_SHIFT_END = 13, K_AGENT_STEP = 14, K_SAMPLE = 15;
const K_EVENT_START = 16, K_EVENT_END = 17;

const T_HUMAN = TRUTH_HUMAN, T_MACHINE = TRUTH_MACHINE, T_FAILED = TRUTH_FAILED;
const TRUTH = ['human', 'machine', 'failed', 'no_answer'] as const;
type Result = CallRecord['result'];

export interface CallSimulatorOptions {
  scenario: Scenario;
  policy: PacingPolicy;
  /** A fresh policy for each `restart` event (the runtime builds a new one); without it the policy lives on. */
  newPolicy?: () => PacingPolicy;
  seed: number;
  days: number;
  tickMs: number;
  recordTimeline: boolean;
  recordCallLog: boolean;
}

/**
 * The discrete-event call-centre model behind `runSimulation` (see docs/simulator.md for the model).
 * Drives the policy through `observe` + `decide` exactly like the runtime.
 *
 * @example
 * ```ts
 * const sim = new CallSimulator({ scenario, policy, seed: 1, days: 5, tickMs: 1000, recordTimeline: false, recordCallLog: false });
 * sim.run();
 * console.log(sim.dials, sim.connects);
 * ```
 */
export class CallSimulator {
  readonly agents = new AgentPool(SIM_EPOCH_MS);
  /** The engine's abandon ledger, built and restored like the runtime's (`campaign-ledger.ts`). */
  engineLedger: AbandonLedger;
  restarts = 0;
  readonly metrics: SimulationMetrics;
  dials = 0; humanAnswers = 0; machineAnswers = 0; failed = 0; noAnswer = 0; connects = 0;
  abandoned = 0; amdFalsePositives = 0; engineLive = 0; engineAbandoned = 0; talkMs = 0;
  peakAgents = 0;
  readonly callLog: CallRecord[] = [];
  readonly #o: CallSimulatorOptions;
  readonly #s: Scenario;
  readonly #rng: Prng;
  readonly #q = new EventQueue(4096);
  readonly #calls = new CallPool();
  #now = SIM_EPOCH_MS;
  #shiftStartMs = SIM_EPOCH_MS;
  #shiftOpen = false;
  #decidePending = false;
  #dialLevel = 0;
  readonly #snapshot: PacingSnapshot;
  readonly #agentSteps: ReadonlyArray<{ atSec: number; count: number }>;
  readonly #callee: CalleeModel;
  readonly #graceMs: number;
  readonly #maxLines: number;
  readonly #events: ScenarioEvents;
  #stepCount = 0;
  #policy: PacingPolicy;
  /** The call history the ledger is restored from (kept when the scenario restarts). */
  readonly #history: LedgerHistory | undefined;

  constructor(options: CallSimulatorOptions) {
    this.#o = options;
    const s = options.scenario;
    this.#s = s;
    this.#rng = new Prng(options.seed);
    this.#policy = options.policy;
    this.engineLedger = createCampaignLedger(scenarioLedgerSettings(s));
    this.#history = (s.events ?? []).some((e) => e.type === 'restart') ? new LedgerHistory(SIM_EPOCH_MS) : undefined;
    this.metrics = new SimulationMetrics({ startMs: SIM_EPOCH_MS, days: options.days, window: s.abandonWindow, maxAbandonRate: s.maxAbandonRate });
    this.#agentSteps = typeof s.agents === 'number' ? [{ atSec: 0, count: s.agents }] : s.agents;
    this.peakAgents = Math.max(...this.#agentSteps.map((a) => a.count));
    this.#callee = new CalleeModel(s, this.#rng);
    this.#graceMs = Math.round((s.abandonAfterSec ?? 2) * 1000);
    this.#maxLines = s.maxLines ?? Infinity;
    this.#events = new ScenarioEvents(s);
    this.#snapshot = { nowMs: 0, agents: this.agents.loggedIn, calls: this.#calls.inFlight, budget: { maxAbandonRate: s.maxAbandonRate, liveAnswers: 0, abandoned: 0 }, leadsAvailable: s.leads, capacity: Infinity };
  }

  /** Runs all days to completion. */
  run(): void {
    const shiftMs = Math.round(this.#s.shiftHours * HOUR_MS);
    for (let d = 0; d < this.#o.days; d++) {
      const start = SIM_EPOCH_MS + d * DAY_MS;
      this.#q.push(start, K_SHIFT_START, d, 0);
      this.#q.push(start + shiftMs, K_SHIFT_END, d, 0);
    }
    const q = this.#q;
    while (q.pop()) {
      this.#now = q.topTime;
      this.#handle(q.topKind, q.topRef, q.topGen);
    }
    this.agents.accumulate(this.#now);
  }

  /** Virtual time of the last event processed (epoch ms). */
  get endMs(): number {
    return this.#now;
  }

  #handle(kind: number, ref: number, gen: number): void {
    switch (kind) {
      case K_TICK:
        if (!this.#shiftOpen) return;
        this.#decide();
        this.#q.push(this.#now + this.#o.tickMs, K_TICK, 0, 0);
        return;
      case K_DECIDE:
        this.#decidePending = false;
        this.#decide();
        return;
      case K_SHIFT_START:
        return this.#shiftStart();
      case K_SHIFT_END:
        return this.#shiftEnd();
      case K_AGENT_STEP:
        this.#stepCount = this.#agentSteps[ref]?.count ?? 0;
        return this.#applyAgentCount(this.#stepCount + this.#events.extraAgents);
      case K_EVENT_START: {
        const started = this.#events.start(ref);
        if (started.restart !== undefined) return this.#restart(started.restart.historyBucketMs);
        if (started.endInMs !== undefined) this.#q.push(this.#now + started.endInMs, K_EVENT_END, ref, 0);
        if (started.agentsChanged) this.#applyAgentCount(this.#stepCount + this.#events.extraAgents);
        return;
      }
      case K_EVENT_END:
        this.#events.end(ref, this.#now);
        return this.#requestDecide();
      case K_SAMPLE:
        return this.#sample();
      case K_PAUSE_REQ:
        return this.#pauseRequest(ref, gen);
      case K_PAUSE_END:
        if (this.agents.gen[ref] === gen && this.agents.state[ref] === AGENT_PAUSED) this.#agentAvailable(ref);
        return;
      case K_TALK_END:
        return this.#talkEnd(ref);
      case K_WRAP_END:
        this.#observe({ type: 'agent_wrap_ended', wrapMs: gen, atMs: this.#now });
        return this.#agentAvailable(ref);
      case K_MACHINE_DONE: {
        const slot = this.agents.callSlot[ref] ?? -1;
        this.agents.callSlot[ref] = -1;
        this.#finishConnected(slot, 'machine');
        return this.#agentAvailable(ref);
      }
    }
    const call = this.#calls.get(ref);
    if (call === undefined || call.gen !== gen) return;
    if (kind === K_ANSWER) this.#answer(ref, call);
    else if (kind === K_PASS) this.#pass(ref, call);
    else if (kind === K_CALL_END) this.#endUnconnected(ref, call, false);
    else if (kind === K_ABANDON && call.waiting) this.#endUnconnected(ref, call, true);
  }

  #shiftStart(): void {
    this.#shiftStartMs = this.#now;
    this.#shiftOpen = true;
    this.#events.resetShift();
    for (const e of this.#events.forDay(Math.round((this.#now - SIM_EPOCH_MS) / DAY_MS))) {
      this.#q.push(this.#now + Math.round(e.atSec * 1000), K_EVENT_START, e.index, 0);
    }
    for (let i = 0; i < this.#agentSteps.length; i++) {
      const step = this.#agentSteps[i];
      if (step !== undefined) this.#q.push(this.#now + Math.round(step.atSec * 1000), K_AGENT_STEP, i, 0);
    }
    this.#q.push(this.#now, K_TICK, 0, 0);
    if (this.#o.recordTimeline) this.#q.push(this.#now + 60_000, K_SAMPLE, 0, 0);
    this.metrics.markInterval(this.agents, this.#now);
  }

  #shiftEnd(): void {
    this.#shiftOpen = false;
    for (let slot = 0; slot < this.agents.state.length; slot++) {
      if (this.agents.state[slot] === AGENT_PAUSED) this.agents.logout(slot, this.#now);
      else if (this.agents.state[slot] !== AGENT_OUT) this.agents.leaving[slot] = true;
    }
    this.#drain();
  }

  /** After the shift: ready agents log out once no call in flight could still need them. */
  #drain(): void {
    if (this.#shiftOpen || this.#calls.inFlight.length > 0) return;
    for (const slot of this.agents.readySlotsNewestFirst()) this.agents.logout(slot, this.#now);
  }

  #applyAgentCount(target: number): void {
    if (!this.#shiftOpen) return;
    const a = this.agents;
    let active = a.activeCount();
    for (let slot = 0; slot < a.state.length && active < target; slot++) {
      if (a.state[slot] !== AGENT_OUT && a.leaving[slot] === true) {
        a.leaving[slot] = false;
        active++;
      }
    }
    while (active < target) {
      const slot = a.login(this.#now);
      this.#schedulePause(slot);
      this.#takeWaitingCall(slot);
      active++;
    }
    if (active > target) {
      for (const slot of a.readySlotsNewestFirst()) {
        if (active <= target) break;
        a.logout(slot, this.#now);
        active--;
      }
      for (let slot = 0; slot < a.state.length && active > target; slot++) {
        const st = a.state[slot];
        if (st === AGENT_OUT || a.leaving[slot] === true) continue;
        if (st === AGENT_PAUSED) a.logout(slot, this.#now);
        else a.leaving[slot] = true;
        active--;
      }
    }
    this.peakAgents = Math.max(this.peakAgents, a.loggedIn.length);
    this.#requestDecide();
  }

  #schedulePause(slot: number): void {
    const rate = this.#s.pauses?.perAgentPerHour ?? 0;
    if (rate <= 0) return;
    const inMs = Math.round((-Math.log(1 - this.#rng.next()) * HOUR_MS) / rate);
    this.#q.push(this.#now + inMs, K_PAUSE_REQ, slot, this.agents.gen[slot] ?? 0);
  }

  #pauseRequest(slot: number, gen: number): void {
    const a = this.agents;
    if (a.gen[slot] !== gen || a.state[slot] === AGENT_OUT || !this.#shiftOpen) return;
    if (a.state[slot] === AGENT_READY) this.#startPause(slot);
    else a.pendingPause[slot] = true;
  }

  #startPause(slot: number): void {
    const a = this.agents;
    a.pendingPause[slot] = false;
    a.setState(slot, AGENT_PAUSED, this.#now);
    a.gen[slot] = (a.gen[slot] ?? 0) + 1;
    this.#q.push(this.#now + Math.max(1, this.#callee.ms('pause')), K_PAUSE_END, slot, a.gen[slot] ?? 0);
  }

  /** An agent finished wrap-up, a machine drop or a pause, or just logged in. */
  #agentAvailable(slot: number): void {
    const a = this.agents;
    if (a.leaving[slot] === true && (this.#shiftOpen || this.#waitingCount() === 0)) {
      if (this.#shiftOpen || this.#calls.inFlight.length === 0) return a.logout(slot, this.#now);
    }
    if (a.pendingPause[slot] === true && this.#shiftOpen) return this.#startPause(slot);
    if (a.state[slot] === AGENT_PAUSED) this.#schedulePause(slot);
    a.makeReady(slot, this.#now);
    if (!this.#takeWaitingCall(slot)) {
      this.#requestDecide();
      this.#drain();
    }
  }

  #waitingCount(): number {
    return this.#calls.waitingCount();
  }

  /** Gives the oldest waiting call to a ready agent; true if connected. */
  #takeWaitingCall(agentSlot: number): boolean {
    const slot = this.#calls.takeWaiting();
    const call = this.#calls.get(slot);
    if (call === undefined) return false;
    this.#connect(slot, call, agentSlot);
    return true;
  }

  #requestDecide(): void {
    if (this.#decidePending || !this.#shiftOpen) return;
    this.#decidePending = true;
    this.#q.push(this.#now, K_DECIDE, 0, 0);
  }

  #decide(): void {
    // During an outage or a pause no call can be placed (and the policy is not asked).
    if (!this.#shiftOpen || this.#events.blocked) return;
    const snap = this.#snapshot;
    snap.nowMs = this.#now;
    snap.budget = this.engineLedger.snapshot(this.#now);
    const leadsLeft = this.#s.leads - this.dials;
    snap.leadsAvailable = leadsLeft;
    const connected = this.agents.counts[AGENT_TALK] ?? 0;
    snap.capacity = Math.max(0, this.#maxLines - this.#calls.inFlight.length - connected);
    if (this.#events.resumedAtMs !== undefined) snap.dialingResumedAtMs = this.#events.resumedAtMs;
    const decision = this.#policy.decide(snap);
    const n = decision.callsToPlace;
    if (!Number.isInteger(n) || n < 0) {
      throw new PacerError('INTERNAL', `policy '${this.#policy.name}' returned callsToPlace=${String(n)}; it must be a non-negative integer`);
    }
    this.#dialLevel = decision.dialLevel;
    const place = Math.min(n, leadsLeft, snap.capacity);
    for (let i = 0; i < place; i++) this.#dial();
  }

  #dial(): void {
    this.dials++;
    const now = this.#now;
    const slot = this.#calls.originate(now);
    const call = this.#calls.get(slot);
    if (call === undefined) throw new PacerError('INTERNAL', 'simulator bug: call slot missing');

    const callee = this.#callee;
    callee.dial((now - this.#shiftStartMs) / 1000);
    call.truth = callee.truth;
    if (callee.truth === T_HUMAN || callee.truth === T_MACHINE) {
      this.#q.push(now + callee.delayMs, K_ANSWER, slot, call.gen);
    } else if (callee.truth === T_FAILED) {
      this.failed++;
      call.endResult = 'failed';
      this.#q.push(now + callee.delayMs, K_CALL_END, slot, call.gen);
    } else {
      this.noAnswer++;
      call.endResult = 'no_answer';
      this.#q.push(now + callee.delayMs, K_CALL_END, slot, call.gen);
    }
  }

  #answer(slot: number, call: SimCall): void {
    const now = this.#now;
    const callee = this.#callee;
    call.snap.stage = 'answered';
    call.snap.stageSinceMs = now;
    call.answeredMs = now;
    if (call.truth === T_HUMAN) {
      this.humanAnswers++;
      this.metrics.recordLiveAnswer(now);
    } else this.machineAnswers++;
    callee.classify(call.truth);
    call.deadlineMs = now + callee.greetingMs + this.#graceMs;
    if (callee.passed) {
      this.#q.push(now + callee.decisionMs, K_PASS, slot, call.gen);
      return;
    }
    call.endResult = 'machine';
    if (call.truth === T_HUMAN) {
      call.amdFalsePositive = true;
      this.amdFalsePositives++;
      this.#truthAbandon(now);
    }
    this.#q.push(now + callee.decisionMs, K_CALL_END, slot, call.gen);
  }

  #truthAbandon(answeredMs: number): void {
    this.abandoned++;
    this.metrics.recordAbandon(answeredMs);
  }

  #pass(slot: number, call: SimCall): void {
    const now = this.#now;
    call.snap.stage = 'waiting_agent';
    call.snap.stageSinceMs = now;
    call.needsAgentMs = now;
    call.endResult = 'human';
    if (this.#s.amd.enabled) {
      call.amdPassedHuman = true;
      this.#record('amd_passed_human', now);
    }
    if (now > call.deadlineMs) return this.#endUnconnected(slot, call, true);
    const agent = this.agents.popLongestIdle();
    if (agent >= 0) return this.#connect(slot, call, agent);
    this.#calls.enqueueWaiting(slot);
    this.#q.push(call.deadlineMs, K_ABANDON, slot, call.gen);
  }

  #connect(slot: number, call: SimCall, agent: number): void {
    const now = this.#now;
    const a = this.agents;
    this.#calls.leaveFlight(call);
    this.metrics.recordWait(now - (a.readySinceMs[agent] ?? now));
    a.callSlot[agent] = slot;
    call.snap.stageSinceMs = now; // connected at
    if (call.truth === T_HUMAN) {
      this.connects++;
      this.engineLive++;
      this.#record('live_answer', now);
      a.setState(agent, AGENT_TALK, now);
      const talkMs = Math.max(1, this.#callee.ms('talk'));
      this.talkMs += talkMs;
      this.#q.push(now + talkMs, K_TALK_END, agent, talkMs);
    } else {
      a.setState(agent, AGENT_MACHINE, now);
      this.#q.push(now + Math.max(1, this.#callee.ms('machineHandle')), K_MACHINE_DONE, agent, 0);
    }
    this.#drain();
  }

  #talkEnd(agent: number): void {
    const a = this.agents;
    const slot = a.callSlot[agent] ?? -1;
    const call = this.#calls.get(slot);
    const talkMs = call === undefined ? 0 : this.#now - call.snap.stageSinceMs;
    a.callSlot[agent] = -1;
    this.#finishConnected(slot, 'human');
    this.#observe({ type: 'agent_call_ended', talkMs, atMs: this.#now });
    a.setState(agent, AGENT_WRAP, this.#now);
    const wrapMs = Math.max(0, this.#callee.ms('wrap'));
    this.#q.push(this.#now + wrapMs, K_WRAP_END, agent, wrapMs);
  }

  /** A connected call ends: observation, log, slot freed. */
  #finishConnected(slot: number, result: Result): void {
    const call = this.#calls.get(slot);
    if (call === undefined) return;
    this.#emitCallEnded(call, result, call.snap.stageSinceMs, false);
    this.#calls.release(slot);
  }

  /** Failed, no answer, AMD hang-up, or abandoned waiting for an agent. */
  #endUnconnected(slot: number, call: SimCall, abandoned: boolean): void {
    const now = this.#now;
    this.#calls.leaveFlight(call);
    if (abandoned) {
      this.engineLive++;
      this.engineAbandoned++;
      this.#record('live_answer', now);
      this.#record('abandon', now);
      if (call.truth === T_HUMAN) this.#truthAbandon(call.answeredMs);
    }
    this.#emitCallEnded(call, call.endResult, undefined, abandoned);
    this.#calls.release(slot);
    this.#requestDecide();
    this.#drain();
  }

  #emitCallEnded(call: SimCall, result: Result, connectedAtMs: number | undefined, abandoned: boolean): void {
    const obs: PacingObservation = {
      type: 'call_ended',
      originatedAtMs: call.snap.originatedAtMs,
      answeredAtMs: call.answeredMs >= 0 ? call.answeredMs : undefined,
      needsAgentAtMs: call.needsAgentMs >= 0 ? call.needsAgentMs : undefined,
      connectedAtMs,
      endedAtMs: this.#now,
      result,
      abandoned,
    };
    this.#observe(obs);
    if (this.#o.recordCallLog) {
      this.callLog.push({
        originatedAtMs: obs.originatedAtMs, truth: TRUTH[call.truth] ?? 'failed', result, answeredAtMs: obs.answeredAtMs,
        needsAgentAtMs: obs.needsAgentAtMs, connectedAtMs, endedAtMs: obs.endedAtMs, abandoned,
        truthAbandoned: call.truth === T_HUMAN && (abandoned || call.amdFalsePositive), amdFalsePositive: call.amdFalsePositive, amdPassedHuman: call.amdPassedHuman,
      });
    }
  }

  #observe(obs: PacingObservation): void {
    this.#policy.observe(obs);
  }

  #record(event: AbandonLedgerEvent, atMs: number): void {
    this.engineLedger.record(event, atMs);
    this.#history?.record(event, atMs);
  }

  /** The dialer restarts: a new policy, the ledger rebuilt from the history as the runtime does. */
  #restart(historyBucketMs: number): void {
    this.restarts++;
    const ledger = createCampaignLedger(scenarioLedgerSettings(this.#s));
    restoreAbandonLedger(ledger, this.#history?.since(this.#now - ledger.windowMs, this.#now, historyBucketMs) ?? []);
    this.engineLedger = ledger;
    if (this.#o.newPolicy !== undefined) this.#policy = this.#o.newPolicy();
  }

  #sample(): void {
    this.metrics.sample(this.agents, this.#now, this.#dialLevel, this.#calls.inFlight.length);
    if (this.#shiftOpen) this.#q.push(this.#now + 60_000, K_SAMPLE, 0, 0);
  }
}
