import { AbandonLedger, type AbandonWindow } from '../domain/compliance/abandon-ledger.ts';
import { AGENT_MACHINE, AGENT_PAUSED, AGENT_READY, AGENT_TALK, AGENT_WRAP, type AgentPool } from './agent-pool.ts';
import type { TimelinePoint } from './simulation-result.ts';

const HOUR_MS = 3_600_000;

/**
 * What the simulator measures as ground truth (not what the engine sees): live answers and abandons
 * per hour of the run (for the legal windows) and over a rolling legal window, agent waits, and the
 * per-minute timeline.
 *
 * @example
 * ```ts
 * const m = new SimulationMetrics({ startMs, days: 5, window: '30d', maxAbandonRate: 0.03 });
 * m.recordLiveAnswer(answeredAtMs);
 * m.recordWait(connectedAtMs - readySinceMs);
 * ```
 */
export class SimulationMetrics {
  readonly liveByHour: Float64Array;
  readonly abandonedByHour: Float64Array;
  /** The same per 10 s (for the short windows after a start or an event, `recovery-windows.ts`). */
  readonly liveBy10s: Float64Array;
  readonly abandonedBy10s: Float64Array;
  readonly rolling: AbandonLedger;
  readonly timeline: TimelinePoint[] = [];
  waitsMs = new Float64Array(4096);
  waitCount = 0;
  readonly #startMs: number;
  #lastBusy = 0;
  #lastAvail = 0;

  constructor(options: { startMs: number; days: number; window: AbandonWindow; maxAbandonRate: number }) {
    this.#startMs = options.startMs;
    this.liveByHour = new Float64Array(options.days * 24);
    this.abandonedByHour = new Float64Array(options.days * 24);
    this.liveBy10s = new Float64Array(options.days * 8640);
    this.abandonedBy10s = new Float64Array(options.days * 8640);
    this.rolling = new AbandonLedger({ window: options.window, maxAbandonRate: options.maxAbandonRate, countEstimatedAmdFalsePositives: false });
  }

  /** A live person answered at `answeredMs`. */
  recordLiveAnswer(answeredMs: number): void {
    const hour = Math.floor((answeredMs - this.#startMs) / HOUR_MS);
    this.liveByHour[hour] = (this.liveByHour[hour] ?? 0) + 1;
    const slot = Math.floor((answeredMs - this.#startMs) / 10_000);
    this.liveBy10s[slot] = (this.liveBy10s[slot] ?? 0) + 1;
    this.rolling.record('live_answer', answeredMs);
  }

  /** The live person who answered at `answeredMs` was abandoned (or hung up on by the AMD). */
  recordAbandon(answeredMs: number): void {
    const hour = Math.floor((answeredMs - this.#startMs) / HOUR_MS);
    this.abandonedByHour[hour] = (this.abandonedByHour[hour] ?? 0) + 1;
    const slot = Math.floor((answeredMs - this.#startMs) / 10_000);
    this.abandonedBy10s[slot] = (this.abandonedBy10s[slot] ?? 0) + 1;
    this.rolling.record('abandon', answeredMs);
  }

  recordWait(waitMs: number): void {
    if (this.waitCount === this.waitsMs.length) {
      const bigger = new Float64Array(this.waitsMs.length * 2);
      bigger.set(this.waitsMs);
      this.waitsMs = bigger;
    }
    this.waitsMs[this.waitCount++] = waitMs;
  }

  /** Starts a new utilization interval (at the start of a shift). */
  markInterval(agents: AgentPool, nowMs: number): void {
    agents.accumulate(nowMs);
    this.#lastBusy = busyArea(agents);
    this.#lastAvail = availableArea(agents);
  }

  /** Appends a timeline point; utilization is over the interval since the last point or mark. */
  sample(agents: AgentPool, nowMs: number, dialLevel: number, callsInFlight: number): void {
    agents.accumulate(nowMs);
    const busy = busyArea(agents);
    const avail = availableArea(agents);
    const dAvail = avail - this.#lastAvail;
    this.timeline.push({
      atSec: (nowMs - this.#startMs) / 1000,
      dialLevel,
      agentsReady: agents.counts[AGENT_READY] ?? 0,
      agentsOnCall: (agents.counts[AGENT_TALK] ?? 0) + (agents.counts[AGENT_MACHINE] ?? 0),
      agentsWrapUp: agents.counts[AGENT_WRAP] ?? 0,
      agentsPaused: agents.counts[AGENT_PAUSED] ?? 0,
      callsInFlight,
      rollingAbandonRate: this.rolling.rate(nowMs),
      utilization: dAvail > 0 ? (busy - this.#lastBusy) / dAvail : 0,
    });
    this.#lastBusy = busy;
    this.#lastAvail = avail;
  }
}

/** Agent-ms spent talking, dropping machines and in wrap-up. */
export function busyArea(agents: AgentPool): number {
  const ar = agents.area;
  return (ar[AGENT_TALK] ?? 0) + (ar[AGENT_MACHINE] ?? 0) + (ar[AGENT_WRAP] ?? 0);
}

/** Agent-ms logged in and not paused. */
export function availableArea(agents: AgentPool): number {
  return busyArea(agents) + (agents.area[AGENT_READY] ?? 0);
}
