import { recoveryWindows, worstLegalWindow } from './recovery-windows.ts';
import { createPacingPolicy } from '../domain/pacing/create-pacing-policy.ts';
import type { PacingPolicy, PacingPolicyConfig } from '../domain/pacing/pacing-policy.ts';
import { PacerError } from '../domain/pacer-error.ts';
import { AGENT_MACHINE, AGENT_READY, AGENT_TALK, AGENT_WRAP } from './agent-pool.ts';
import { CallSimulator } from './call-simulator.ts';
import type { Scenario } from './scenario.ts';
import type { SimulationResult } from './simulation-result.ts';

export interface RunSimulationOptions {
  scenario: Scenario;
  /** A policy config (built with `createPacingPolicy`) or a factory for a fresh policy. */
  policy: PacingPolicyConfig | (() => PacingPolicy);
  seed: number;
  /** Overrides `scenario.days`. */
  days?: number;
  /** How often `decide` is called on the clock, in simulated ms (default 1000); it is also called after every call or agent event. */
  tickMs?: number;
  /** One timeline point per simulated minute of shift. */
  recordTimeline?: boolean;
  /** Keep every call in `callLog` (memory grows with dials: for tests and audits). */
  recordCallLog?: boolean;
}

/** Legal-window evaluation over per-hour ground-truth counts (see docs/simulator.md). */
export function evaluateWindows(
  liveByHour: ArrayLike<number>,
  abandonedByHour: ArrayLike<number>,
  windowHours: number,
  maxAbandonRate: number,
): { worst: number; overCap: number; evaluated: number } {
  const hours = liveByHour.length;
  const ends: number[] = [];
  if (hours <= windowHours) ends.push(hours);
  else for (let h = windowHours; h <= hours; h++) ends.push(h);
  let live = 0;
  let ab = 0;
  let worst = 0;
  let overCap = 0;
  let evaluated = 0;
  let added = 0;
  let removed = 0;
  for (const end of ends) {
    for (; added < end; added++) {
      live += liveByHour[added] ?? 0;
      ab += abandonedByHour[added] ?? 0;
    }
    for (; removed < end - windowHours; removed++) {
      live -= liveByHour[removed] ?? 0;
      ab -= abandonedByHour[removed] ?? 0;
    }
    evaluated++;
    const rate = live > 0 ? ab / live : 0;
    if (rate > worst) worst = rate;
    if (rate > maxAbandonRate + 1e-12) overCap++;
  }
  return { worst, overCap, evaluated };
}

/** The 95th percentile (nearest rank) of the first `n` values; sorts a copy. */
function percentile95(values: Float64Array, n: number): number {
  if (n === 0) return 0;
  const sorted = values.slice(0, n).sort();
  const rank = Math.ceil(0.95 * n) - 1;
  return sorted[Math.max(0, Math.min(n - 1, rank))] ?? 0;
}

/**
 * Runs one seeded, reproducible simulation of a scenario under a pacing policy, on a virtual clock.
 *
 * @example
 * ```ts
 * const scenario = loadScenario('reference');
 * const r = runSimulation({ scenario, policy: { name: 'ratio', ratio: 2, maxAbandonRate: 0.03, abandonWindow: '30d' }, seed: 7, days: 1 });
 * r.utilization; // e.g. 0.8
 * ```
 */
export function runSimulation(options: RunSimulationOptions): SimulationResult {
  const { scenario, seed } = options;
  const days = options.days ?? scenario.days;
  const tickMs = options.tickMs ?? 1000;
  if (!Number.isInteger(days) || days < 1 || days > 400) {
    throw new PacerError('VALIDATION_FAILED', `days must be an integer from 1 to 400, got ${days}`, { issues: [{ field: 'days', reason: 'must be an integer from 1 to 400' }] });
  }
  if (!Number.isFinite(seed)) throw new PacerError('VALIDATION_FAILED', `seed must be a finite number`, { issues: [{ field: 'seed', reason: 'must be a finite number' }] });
  if (!(tickMs >= 1 && tickMs <= 3_600_000)) {
    throw new PacerError('VALIDATION_FAILED', `tickMs must be from 1 to 3600000, got ${tickMs}`, { issues: [{ field: 'tickMs', reason: 'must be from 1 to 3600000' }] });
  }
  const policyOption = options.policy;
  const newPolicy = typeof policyOption === 'function' ? policyOption : () => createPacingPolicy(policyOption);
  const policy = newPolicy();
  const sim = new CallSimulator({ scenario, policy, newPolicy, seed, days, tickMs, recordTimeline: options.recordTimeline ?? false, recordCallLog: options.recordCallLog ?? false });
  sim.run();

  const area = sim.agents.area;
  const talkMs = area[AGENT_TALK] ?? 0;
  const busyMs = talkMs + (area[AGENT_MACHINE] ?? 0) + (area[AGENT_WRAP] ?? 0);
  const availMs = busyMs + (area[AGENT_READY] ?? 0);
  const agentHours = availMs / 3_600_000;
  const windowHours = scenario.abandonWindow === '30d' ? 720 : 24;
  const windows = evaluateWindows(sim.metrics.liveByHour, sim.metrics.abandonedByHour, windowHours, scenario.maxAbandonRate);
  const abandonTarget = scenario.campaign?.abandonTarget ?? null;
  const overTarget = abandonTarget === null ? windows.overCap : evaluateWindows(sim.metrics.liveByHour, sim.metrics.abandonedByHour, windowHours, abandonTarget).overCap;
  let waitSum = 0;
  for (let i = 0; i < sim.metrics.waitCount; i++) waitSum += sim.metrics.waitsMs[i] ?? 0;
  const result: SimulationResult = {
    scenario: scenario.name,
    policy: policy.name,
    seed,
    agents: sim.peakAgents,
    days,
    shiftHours: scenario.shiftHours,
    simulatedSec: days * 86_400,
    dials: sim.dials,
    humanAnswers: sim.humanAnswers,
    machineAnswers: sim.machineAnswers,
    failed: sim.failed,
    noAnswer: sim.noAnswer,
    connects: sim.connects,
    abandoned: sim.abandoned,
    amdFalsePositives: sim.amdFalsePositives,
    abandonRate: sim.humanAnswers > 0 ? sim.abandoned / sim.humanAnswers : 0,
    worstWindowAbandonRate: windows.worst,
    windowsOverCap: windows.overCap,
    windowsEvaluated: windows.evaluated,
    abandonTarget,
    windowsOverTarget: overTarget,
    windowsOverTwoPercent: evaluateWindows(sim.metrics.liveByHour, sim.metrics.abandonedByHour, windowHours, 0.02).overCap,
    restarts: sim.restarts,
    utilization: availMs > 0 ? busyMs / availMs : 0,
    talkOccupancy: availMs > 0 ? talkMs / availMs : 0,
    meanAgentWaitSec: sim.metrics.waitCount > 0 ? waitSum / sim.metrics.waitCount / 1000 : 0,
    p95AgentWaitSec: percentile95(sim.metrics.waitsMs, sim.metrics.waitCount) / 1000,
    connectsPerAgentHour: agentHours > 0 ? sim.connects / agentHours : 0,
    dialsPerConnect: sim.connects > 0 ? sim.dials / sim.connects : 0,
    leadsUsed: sim.dials,
    leadsExhausted: sim.dials >= scenario.leads,
    agentHours,
    maxAbandonRate: scenario.maxAbandonRate,
    abandonWindow: scenario.abandonWindow,
    engineBudget: sim.engineLedger.snapshot(sim.endMs),
    engineAbandonRate: sim.engineLive > 0 ? sim.engineAbandoned / sim.engineLive : 0,
    timeline: sim.metrics.timeline,
    firstHourAbandonRates: Array.from({ length: days }, (_, d) => {
      const live = sim.metrics.liveByHour[d * 24] ?? 0;
      return live > 0 ? (sim.metrics.abandonedByHour[d * 24] ?? 0) / live : 0;
    }),
    recoveryWindows: recoveryWindows(scenario, days, sim.metrics.liveBy10s, sim.metrics.abandonedBy10s),
    worstLegalWindowAnyTime: worstLegalWindow(scenario.abandonWindow, sim.metrics.liveBy10s, sim.metrics.abandonedBy10s, 1),
  };
  if (options.recordCallLog === true) result.callLog = sim.callLog;
  return result;
}
