import { PacerError } from '../pacer-error.ts';
import type { FieldIssue } from '../pacer-error.ts';
import type {
  PacingDecision,
  PacingObservation,
  PacingPolicy,
  PacingPolicyConfig,
  PacingSnapshot,
} from './pacing-policy.ts';
import { computeAdaptiveDialLevel } from './vicidial/adaptive-dial-level.ts';
import type {
  AdaptiveDialLevelResult,
  VicidialAgentThreshold,
  VicidialDropMode,
  VicidialDropStats,
} from './vicidial/adaptive-dial-level.ts';
import { AgentSampleWindow } from './vicidial/agent-sample-window.ts';
import { DropTally } from './vicidial/drop-tally.ts';
import { perlRound } from './vicidial/perl-numbers.ts';
import { vicidialCallsToPlace } from './vicidial/vicidial-calls-to-place.ts';

/** AST_VDadapt.pl's loop: one agent sample per second (`--delay=1`). */
export const VICIDIAL_SAMPLE_INTERVAL_MS = 1_000;
/** `$stat_it=15`: samples averaged. */
export const VICIDIAL_SAMPLE_WINDOW = 15;
/** `$diff_ratio_updater >= 15`: the dial level is recomputed every 15 s. */
export const VICIDIAL_RECOMPUTE_INTERVAL_MS = 15_000;
/** `$drop_count_updater >= 60`: the drop figures are refreshed every 60 s. */
export const VICIDIAL_DROP_REFRESH_INTERVAL_MS = 60_000;

/**
 * Vicidial campaign settings that `PacingPolicyConfig.vicidial` does not carry (all optional,
 * Vicidial's defaults).
 */
export interface VicidialPolicyOptions {
  /** `adaptive_intensity`, -40..40, default 0. */
  intensity?: number;
  /** `adaptive_dl_diff_target`, integer -40..40, default 0. */
  dlDiffTarget?: number;
  /** `adaptive_latest_server_time` as HHMM (e.g. 2100), default 2100; used by TAPERED. */
  latestServerTimeHhmm?: number;
  /** Offset of the "server" wall clock from UTC in minutes, default 0 (the HHMM TAPERED reads). */
  serverUtcOffsetMin?: number;
  /** `auto_dial_level` the campaign starts at, default 1.0. */
  initialDialLevel?: number;
  /** `dial_level_threshold` + `_agents`, default DISABLED. */
  dialLevelThreshold?: VicidialAgentThreshold;
  /** `available_only_tally_threshold` + `_agents`, default DISABLED. */
  availableOnlyTallyThreshold?: VicidialAgentThreshold;
}

/** What the policy currently holds, for tests, charts and debugging (Vicidial's adapt debug output). */
export interface VicidialPolicyState {
  dialLevel: number;
  dayStartMs: number | undefined;
  today: { calls: number; answers: number; drops: number };
  dropStats: VicidialDropStats;
  lastRecomputeMs: number | undefined;
  lastResult: AdaptiveDialLevelResult | undefined;
  samples: number;
}

export interface VicidialPolicy extends PacingPolicy {
  readonly name: 'vicidial';
  state(): VicidialPolicyState;
}

interface Settings {
  dropMode: VicidialDropMode;
  availableOnlyTally: boolean;
  maxLevel: number;
  droppedPercentage: number;
  intensity: number;
  dlDiffTarget: number;
  latestServerTimeHhmm: number;
  serverUtcOffsetMin: number;
  initialDialLevel: number;
  dialLevelThreshold: VicidialAgentThreshold | undefined;
  availableOnlyTallyThreshold: VicidialAgentThreshold | undefined;
}

/**
 * Vicidial's adaptive predictive dialing (ADAPT_HARD_LIMIT / ADAPT_TAPERED / ADAPT_AVERAGE), ported
 * from `AST_VDadapt.pl` (the dial level) and `AST_VDauto_dial.pl` (calls per level): the baseline
 * the `predictive` policy is compared against. See docs/vicidial-port.md.
 *
 * @example
 * ```ts
 * const policy = createVicidialPolicy({
 *   name: 'vicidial', maxAbandonRate: 0.03, abandonWindow: '30d',
 *   vicidial: { dropMode: 'TAPERED', availableOnlyTally: false, maxLevel: 3 },
 * }, { intensity: 10, latestServerTimeHhmm: 2000 });
 * policy.observe({ type: 'call_ended', originatedAtMs: 0, endedAtMs: 20_000, result: 'no_answer', abandoned: false });
 * const { callsToPlace, dialLevel } = policy.decide(snapshot);
 * ```
 */
export function createVicidialPolicy(config: PacingPolicyConfig, options: VicidialPolicyOptions = {}): VicidialPolicy {
  const settings = validate(config, { ...optionsFromConfig(config.vicidial), ...options });
  let dialLevel = settings.initialDialLevel;
  let tally: DropTally | undefined;
  const sampleWindow = new AgentSampleWindow(VICIDIAL_SAMPLE_WINDOW);
  let lastSampleMs: number | undefined;
  /** `$diff_ratio_updater` as a time: when the 15 s count started (first decide, then each recompute). */
  let recomputeAnchorMs: number | undefined;
  let lastRecomputeMs: number | undefined;
  let lastDropRefreshMs: number | undefined;
  let dropStats: VicidialDropStats = { callsToday: 0, dropsAnswersTodayPct: 0, callsOne: 0, dropsOnePct: 0 };
  let lastResult: AdaptiveDialLevelResult | undefined;
  let lastReason = 'vicidial_initial_level';

  /**
   * The policy's first call fixes day zero (see DropTally): its `nowMs`, or for an observation the time
   * the reported call was placed, so that the first calls count in day one.
   */
  function tallyAt(nowMs: number, dayZeroMs = nowMs): DropTally {
    tally ??= new DropTally(Math.min(dayZeroMs, nowMs));
    tally.rollTo(nowMs);
    return tally;
  }

  function currentHourmin(nowMs: number): number {
    const minutesOfDay = Math.floor((nowMs / 60_000 + settings.serverUtcOffsetMin) % 1440 + 1440) % 1440;
    return Math.floor(minutesOfDay / 60) * 100 + (minutesOfDay % 60);
  }

  function observe(observation: PacingObservation): void {
    if (observation.type !== 'call_ended') return;
    const humanAnswered = observation.result === 'human';
    tallyAt(observation.endedAtMs, observation.originatedAtMs).record({
      originatedAtMs: observation.originatedAtMs,
      humanAnswered,
      dropped: humanAnswered && observation.abandoned,
    });
  }

  function decide(snapshot: PacingSnapshot): PacingDecision {
    const { nowMs } = snapshot;
    const drops = tallyAt(nowMs);
    // READY -> ready; INCALL/QUEUE -> on_call, reserved (QUEUE: a call is on its way), wrap_up.
    // A reserved agent's call is still in `snapshot.calls`, so only on_call agents add a connected call.
    let ready = 0;
    let connected = 0;
    let otherBusy = 0;
    for (const agent of snapshot.agents) {
      if (agent.state === 'ready') ready += 1;
      else if (agent.state === 'on_call') connected += 1;
      else if (agent.state === 'reserved' || agent.state === 'wrap_up') otherBusy += 1;
    }
    const incall = connected + otherBusy;
    const waitingCalls = snapshot.calls.reduce((n, call) => (call.stage === 'waiting_agent' ? n + 1 : n), 0);

    // the 1 s loop of AST_VDadapt.pl: one sample per elapsed second, then the 60 s / 15 s jobs
    recomputeAnchorMs ??= nowMs;
    if (lastSampleMs === undefined || nowMs - lastSampleMs >= VICIDIAL_SAMPLE_INTERVAL_MS) {
      lastSampleMs = nowMs;
      const hasWork = snapshot.leadsAvailable > 0 || snapshot.agents.length > 0;
      if (hasWork) {
        sampleWindow.push({ readyAgents: ready, waitingCalls, totalAgents: snapshot.agents.length });
        const averages = sampleWindow.averages();
        if (averages.totalAgentsAvg > 0) {
          if (lastDropRefreshMs === undefined || nowMs - lastDropRefreshMs >= VICIDIAL_DROP_REFRESH_INTERVAL_MS) {
            lastDropRefreshMs = nowMs;
            dropStats = drops.stats(nowMs);
          }
          if (nowMs - recomputeAnchorMs >= VICIDIAL_RECOMPUTE_INTERVAL_MS) {
            recomputeAnchorMs = nowMs;
            lastRecomputeMs = nowMs;
            lastResult = computeAdaptiveDialLevel({
              autoDialLevel: dialLevel,
              differentialOnemin: averages.differential,
              agentsAverageOnemin: averages.totalAgentsAvg,
              dropMode: settings.dropMode,
              adaptiveIntensity: settings.intensity,
              adaptiveDlDiffTarget: settings.dlDiffTarget,
              adaptiveMaximumLevel: settings.maxLevel,
              adaptiveDroppedPercentage: settings.droppedPercentage,
              adaptiveLatestServerTime: settings.latestServerTimeHhmm,
              currentHourmin: currentHourmin(nowMs),
              drops: dropStats,
              agents: { loggedIn: snapshot.agents.length, incall, ready },
              ...(settings.dialLevelThreshold === undefined ? {} : { dialLevelThreshold: settings.dialLevelThreshold }),
            });
            // the Perl stores the level as text; the halving/tapering rules can leave more decimals
            dialLevel = perlRound(lastResult.dialLevel, 3);
            lastReason = reasonOf(lastResult);
          }
        }
      }
    }

    const placed = vicidialCallsToPlace({
      dialLevel,
      activeAgents: ready,
      incallAgents: incall,
      loggedInAgents: snapshot.agents.length,
      connectedCalls: connected,
      pendingCalls: snapshot.calls.length,
      availableOnlyTally: settings.availableOnlyTally,
      adaptiveDlDiffTarget: settings.dlDiffTarget,
      ...(settings.availableOnlyTallyThreshold === undefined
        ? {}
        : { availableOnlyTallyThreshold: settings.availableOnlyTallyThreshold }),
      ...(settings.dialLevelThreshold === undefined ? {} : { dialLevelThreshold: settings.dialLevelThreshold }),
    });
    const limit = Math.max(0, Math.min(snapshot.capacity, snapshot.leadsAvailable));
    const callsToPlace = Math.min(placed.makeCalls, Number.isFinite(limit) ? Math.floor(limit) : placed.makeCalls);
    const reason = callsToPlace < placed.makeCalls ? `${lastReason}_capacity_limited` : lastReason;
    return { callsToPlace, dialLevel: placed.dialLevel, reason };
  }

  return {
    name: 'vicidial',
    observe,
    decide,
    state: () => ({
      dialLevel,
      dayStartMs: tally?.dayStartMs,
      today: tally?.today() ?? { calls: 0, answers: 0, drops: 0 },
      dropStats,
      lastRecomputeMs,
      lastResult,
      samples: sampleWindow.length,
    }),
  };
}

function reasonOf(result: AdaptiveDialLevelResult): string {
  const last = result.adjustments.filter((a) => a !== 'under_floor' && a !== 'over_cap').at(-1);
  if (last !== undefined) return `vicidial_${last}`;
  if (result.adjustments.includes('over_cap')) return 'vicidial_max_level';
  if (result.adjustments.includes('under_floor')) return 'vicidial_min_level';
  return 'vicidial_adaptive';
}

const OPTION_KEYS = [
  'intensity',
  'dlDiffTarget',
  'latestServerTimeHhmm',
  'serverUtcOffsetMin',
  'initialDialLevel',
  'dialLevelThreshold',
  'availableOnlyTallyThreshold',
] as const;

/**
 * Also accepts the {@link VicidialPolicyOptions} keys inside `config.vicidial`, so that they flow
 * through `createPacingPolicy` once `PacingPolicyConfig.vicidial` declares them (null = not set). Values are
 * type-checked by `validate`.
 */
function optionsFromConfig(vicidial: PacingPolicyConfig['vicidial']): VicidialPolicyOptions {
  if (vicidial === undefined) return {};
  const source = vicidial as Readonly<Record<string, unknown>>;
  const picked: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) if (source[key] !== undefined && source[key] !== null) picked[key] = source[key];
  return picked as VicidialPolicyOptions;
}

function validate(config: PacingPolicyConfig, options: VicidialPolicyOptions): Settings {
  const issues: FieldIssue[] = [];
  const check = (ok: boolean, field: string, reason: string): void => {
    if (!ok) issues.push({ field, reason });
  };
  const v = config.vicidial ?? {};
  const dropMode = v.dropMode ?? 'HARD_LIMIT';
  check(['HARD_LIMIT', 'TAPERED', 'AVERAGE'].includes(dropMode), 'vicidial.dropMode', 'must be HARD_LIMIT, TAPERED or AVERAGE');
  const maxLevel = v.maxLevel ?? 3;
  check(Number.isFinite(maxLevel) && maxLevel >= 1 && maxLevel <= 10, 'vicidial.maxLevel', 'must be a number from 1 to 10');
  check(
    Number.isFinite(config.maxAbandonRate) && config.maxAbandonRate >= 0 && config.maxAbandonRate <= 1,
    'maxAbandonRate',
    'must be a fraction from 0 to 1',
  );
  const intensity = options.intensity ?? 0;
  check(Number.isFinite(intensity) && intensity >= -40 && intensity <= 40, 'intensity', 'must be a number from -40 to 40');
  const dlDiffTarget = options.dlDiffTarget ?? 0;
  check(Number.isInteger(dlDiffTarget) && dlDiffTarget >= -40 && dlDiffTarget <= 40, 'dlDiffTarget', 'must be an integer from -40 to 40');
  const latest = options.latestServerTimeHhmm ?? 2100;
  check(
    Number.isInteger(latest) && latest >= 0 && latest <= 2400 && latest % 100 < 60,
    'latestServerTimeHhmm',
    'must be a time HHMM from 0000 to 2400',
  );
  const offset = options.serverUtcOffsetMin ?? 0;
  check(Number.isInteger(offset) && Math.abs(offset) <= 18 * 60, 'serverUtcOffsetMin', 'must be whole minutes within +-18 h');
  const initial = options.initialDialLevel ?? 1;
  check(Number.isFinite(initial) && initial >= 1 && initial <= maxLevel, 'initialDialLevel', 'must be from 1 to vicidial.maxLevel');
  for (const [field, threshold] of [
    ['dialLevelThreshold', options.dialLevelThreshold],
    ['availableOnlyTallyThreshold', options.availableOnlyTallyThreshold],
  ] as const) {
    if (threshold === undefined) continue;
    if (typeof threshold !== 'object' || threshold === null) {
      issues.push({ field, reason: 'must be an object { kind, agents }' });
      continue;
    }
    check(
      ['LOGGED-IN_AGENTS', 'NON-PAUSED_AGENTS', 'WAITING_AGENTS'].includes(threshold.kind),
      `${field}.kind`,
      'must be LOGGED-IN_AGENTS, NON-PAUSED_AGENTS or WAITING_AGENTS',
    );
    check(Number.isInteger(threshold.agents) && threshold.agents >= 0, `${field}.agents`, 'must be a non-negative integer');
  }
  if (issues.length > 0) {
    throw new PacerError('CONFIG_INVALID', `invalid vicidial policy config: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, {
      issues,
    });
  }
  return {
    dropMode,
    availableOnlyTally: v.availableOnlyTally ?? false,
    maxLevel,
    droppedPercentage: perlRound(config.maxAbandonRate * 100, 6),
    intensity,
    dlDiffTarget,
    latestServerTimeHhmm: latest,
    serverUtcOffsetMin: offset,
    initialDialLevel: initial,
    dialLevelThreshold: options.dialLevelThreshold,
    availableOnlyTallyThreshold: options.availableOnlyTallyThreshold,
  };
}
