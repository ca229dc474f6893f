import type { RecoveryWindow } from './recovery-windows.ts';
import type { AbandonBudgetSnapshot, PacingPolicyName } from '../domain/pacing/pacing-policy.ts';

/** One point per simulated minute of shift time (when `recordTimeline`). */
export interface TimelinePoint {
  /** Seconds since the start of the run (day d's shift starts at d x 86400). */
  atSec: number;
  dialLevel: number;
  agentsReady: number;
  /** Agents talking to a live person or dropping a machine passed to them. */
  agentsOnCall: number;
  agentsWrapUp: number;
  agentsPaused: number;
  callsInFlight: number;
  /** Ground-truth abandon rate over the legal window ending now. */
  rollingAbandonRate: number;
  /** (talk + wrap-up) / available agent time over the last minute. */
  utilization: number;
}

/** One placed call, for audits and tests (when `recordCallLog`). */
export interface CallRecord {
  originatedAtMs: number;
  /** What really happened. `no_answer` includes answers that would have come after the ring timeout. */
  truth: 'human' | 'machine' | 'failed' | 'no_answer';
  /** What the engine saw (as in the `call_ended` observation). */
  result: 'human' | 'machine' | 'failed' | 'no_answer';
  answeredAtMs?: number;
  needsAgentAtMs?: number;
  connectedAtMs?: number;
  endedAtMs: number;
  /** The engine saw an abandon (an answered call passed as human got no agent in time). */
  abandoned: boolean;
  /** Ground truth: a live person was abandoned (no agent in time, or hung up on by the AMD). */
  truthAbandoned: boolean;
  /** A live person classified machine by the AMD. */
  amdFalsePositive: boolean;
  /** Passed to agents by the AMD as human (the base of the UK false-positive estimate). */
  amdPassedHuman: boolean;
}

/**
 * What `runSimulation` returns. Rates are ground truth unless named `engine*`.
 *
 * @example
 * ```ts
 * const r = runSimulation({ scenario, policy: { name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' }, seed: 1 });
 * console.log(r.utilization, r.abandonRate, r.worstWindowAbandonRate);
 * ```
 */
export interface SimulationResult {
  scenario: string;
  policy: PacingPolicyName;
  seed: number;
  /** Peak number of agents scheduled. */
  agents: number;
  days: number;
  shiftHours: number;
  /** days x 86400. */
  simulatedSec: number;
  dials: number;
  humanAnswers: number;
  machineAnswers: number;
  failed: number;
  noAnswer: number;
  /** Live people connected to an agent. */
  connects: number;
  /** Live people abandoned: no agent within the grace time, plus AMD hang-ups on live people. */
  abandoned: number;
  amdFalsePositives: number;
  /** abandoned / humanAnswers over the run. */
  abandonRate: number;
  /** Highest abandon rate over the legal windows (see docs/simulator.md). */
  worstWindowAbandonRate: number;
  windowsOverCap: number;
  windowsEvaluated: number;
  /** The campaign's planning target (`scenario.campaign.abandonTarget`), null when it plans at the cap. */
  abandonTarget: number | null;
  /** Legal windows above the target (equal to `windowsOverCap` without one). */
  windowsOverTarget: number;
  /** Legal windows above 2 % (the head-room a compliance officer may ask for), whatever the target. */
  windowsOverTwoPercent: number;
  /** Dialer restarts carried out (scenario `restart` events). */
  restarts: number;
  /** (talk + wrap-up + machine handling) / logged-in time, paused time excluded. */
  utilization: number;
  /** Live talk / logged-in time, paused time excluded. */
  talkOccupancy: number;
  meanAgentWaitSec: number;
  p95AgentWaitSec: number;
  connectsPerAgentHour: number;
  dialsPerConnect: number;
  leadsUsed: number;
  leadsExhausted: boolean;
  /** Logged-in agent hours, paused time excluded. */
  agentHours: number;
  maxAbandonRate: number;
  abandonWindow: '30d' | '24h';
  /** The engine's own ledger at the end of the run (what the policy was fed). */
  engineBudget: AbandonBudgetSnapshot;
  /** Over the run, as the engine counted it (abandons seen / live answers seen). */
  engineAbandonRate: number;
  timeline: TimelinePoint[];
  /** Ground-truth abandon rate of each day's first shift hour (abandoned / live answers by answer time; 0 without answers). */
  firstHourAbandonRates?: number[];
  /** The first 1 / 5 / 15 minutes of every shift and after every resume and mass login (ground truth). */
  recoveryWindows?: RecoveryWindow[];
  /**
   * The legal window's ground-truth rate at its highest, evaluated every 10 s of the run (not only
   * at its end): at a campaign's start the window holds nothing but its first minutes.
   */
  worstLegalWindowAnyTime?: { rate: number; atSec: number; liveAnswers: number; abandoned: number };
  callLog?: CallRecord[];
}
