import { perlRound } from './perl-numbers.ts';

/** Vicidial's `dial_method` values ADAPT_HARD_LIMIT, ADAPT_TAPERED, ADAPT_AVERAGE without the prefix. */
export type VicidialDropMode = 'HARD_LIMIT' | 'TAPERED' | 'AVERAGE';

/** Vicidial's `dial_level_threshold` / `available_only_tally_threshold` kinds. */
export type VicidialAgentThresholdKind = 'LOGGED-IN_AGENTS' | 'NON-PAUSED_AGENTS' | 'WAITING_AGENTS';

export interface VicidialAgentThreshold {
  kind: VicidialAgentThresholdKind;
  /** `dial_level_threshold_agents` / `available_only_tally_threshold_agents`. */
  agents: number;
}

/** The drop figures `calculate_drops` stores in `vicidial_campaign_stats` (refreshed every 60 s). */
export interface VicidialDropStats {
  /** `$VCScalls_today`: calls logged since midnight. */
  callsToday: number;
  /** `$VCSdrops_answers_today_pct`: drops / human answers today x 100, sprintf %.2f. */
  dropsAnswersTodayPct: number;
  /** `$VCScalls_one`: calls logged in the last minute. */
  callsOne: number;
  /** `$VCSdrops_one_pct`: drops / calls in the last minute x 100, sprintf %.2f. */
  dropsOnePct: number;
}

/** Live agent counts of `calculate_dial_level` (`$VCSagents`, `$VCSINCALL`, `$VCSREADY`). */
export interface VicidialAgentCounts {
  loggedIn: number;
  incall: number;
  ready: number;
}

export interface AdaptiveDialLevelInput {
  /** `$auto_dial_level`: the campaign's current dial level. */
  autoDialLevel: number;
  /** `$differential_onemin` = `$stat_differential` = average ready agents - average waiting calls. */
  differentialOnemin: number;
  /** `$agents_average_onemin` = `$total_agents_avg`: average logged-in agents. */
  agentsAverageOnemin: number;
  dropMode: VicidialDropMode;
  /** `$adaptive_intensity`, -40..40 in Vicidial's admin (0 = neutral). */
  adaptiveIntensity: number;
  /** `$adaptive_dl_diff_target`: -1 targets one agent waiting, +1 one customer waiting. */
  adaptiveDlDiffTarget: number;
  /** `$adaptive_maximum_level`, default 3.0. */
  adaptiveMaximumLevel: number;
  /** `$adaptive_dropped_percentage`, a percentage (3 = 3 %). */
  adaptiveDroppedPercentage: number;
  /** `$adaptive_latest_server_time`, HHMM as a number (2100 = 21:00). */
  adaptiveLatestServerTime: number;
  /** `$current_hourmin`, HHMM of the server clock as a number (930 = 09:30). */
  currentHourmin: number;
  drops: VicidialDropStats;
  agents: VicidialAgentCounts;
  /** `$dial_level_threshold` / `$dial_level_threshold_agents`; undefined = DISABLED. */
  dialLevelThreshold?: VicidialAgentThreshold;
}

/** Why the level is what it is, in the order the Perl applied its rules. */
export type AdaptiveAdjustment =
  | 'over_cap'
  | 'under_floor'
  | 'one_minute_drops_halved'
  | 'drop_limit_hard_limit'
  | 'drop_limit_average'
  | 'drop_limit_tapered'
  | 'drop_limit_tapered_past_latest'
  | 'dial_level_threshold';

export interface AdaptiveDialLevelResult {
  /** The new `auto_dial_level` (`$intensity_dial_level` after all rules). */
  dialLevel: number;
  /** `$suggested_dial_level`: the level without the intensity setting, sprintf %.3f. */
  suggestedDialLevel: number;
  /** `$differential_pct`, sprintf %.2f. */
  differentialPct: number;
  /** `$intensity_pct`, sprintf %.2f. */
  intensityPct: number;
  /** `$tapered_rate` (1 while more than "1000" HHMM units remain). */
  taperedRate: number;
  adjustments: AdaptiveAdjustment[];
}

/**
 * A port of `sub calculate_dial_level` of Vicidial's `bin/AST_VDadapt.pl` (build 230309-1009):
 * one recomputation of a campaign's `auto_dial_level`. Pure: the caller gathers the averages and
 * the drop statistics (see docs/vicidial-port.md for the formula-by-formula mapping).
 *
 * @example
 * ```ts
 * const { dialLevel } = computeAdaptiveDialLevel({
 *   autoDialLevel: 1.5, differentialOnemin: 2, agentsAverageOnemin: 10,
 *   dropMode: 'HARD_LIMIT', adaptiveIntensity: 0, adaptiveDlDiffTarget: 0, adaptiveMaximumLevel: 3,
 *   adaptiveDroppedPercentage: 3, adaptiveLatestServerTime: 2100, currentHourmin: 1200,
 *   drops: { callsToday: 0, dropsAnswersTodayPct: 0, callsOne: 0, dropsOnePct: 0 },
 *   agents: { loggedIn: 10, incall: 8, ready: 2 },
 * });
 * // dialLevel === 1.8  (1.5 * (2 / 10 + 1))
 * ```
 */
export function computeAdaptiveDialLevel(input: AdaptiveDialLevelInput): AdaptiveDialLevelResult {
  const adjustments: AdaptiveAdjustment[] = [];
  const { autoDialLevel, agentsAverageOnemin } = input;

  // Calculate the optimal dial_level differential for the past minute
  const differentialTarget = input.differentialOnemin + input.adaptiveDlDiffTarget;
  let differentialMul = 0;
  let differentialPctRaw = 0;
  if (differentialTarget !== 0 && agentsAverageOnemin !== 0) {
    differentialMul = differentialTarget / agentsAverageOnemin;
    differentialPctRaw = differentialMul * 100;
  }

  // Factor in the intensity setting
  const intensityMul = input.adaptiveIntensity / 100;
  const intensityDiff =
    differentialPctRaw < 0
      ? differentialPctRaw * Math.abs(intensityMul - 1)
      : differentialPctRaw * (intensityMul + 1);
  const intensityDiffMul = intensityDiff / 100;

  const suggestedDialLevel = perlRound(autoDialLevel * (differentialMul + 1), 3);
  let level = perlRound(autoDialLevel * (intensityDiffMul + 1), 3);

  // Calculate last timezone target for ADAPT_TAPERED (HHMM numbers subtracted as in the Perl)
  const taperedHoursLeft = input.adaptiveLatestServerTime - input.currentHourmin;
  const taperedRate = taperedHoursLeft > 1000 ? 1 : taperedHoursLeft / 1000;

  if (level > input.adaptiveMaximumLevel) {
    level = input.adaptiveMaximumLevel;
    adjustments.push('over_cap');
  }
  if (level < 1) {
    level = 1;
    adjustments.push('under_floor');
  }

  // DROP PERCENTAGE RULES TO LOWER DIAL_LEVEL
  const { drops } = input;
  if (drops.callsOne > 20 && drops.dropsOnePct > 50) {
    level = level / 2;
    adjustments.push('one_minute_drops_halved');
  }
  if (drops.callsToday > 50 && drops.dropsAnswersTodayPct > input.adaptiveDroppedPercentage) {
    switch (input.dropMode) {
      case 'HARD_LIMIT':
        level = 1;
        adjustments.push('drop_limit_hard_limit');
        break;
      case 'AVERAGE':
        level = level / 2;
        adjustments.push('drop_limit_average');
        break;
      case 'TAPERED':
        if (taperedHoursLeft < 0) {
          level = 1;
          adjustments.push('drop_limit_tapered_past_latest');
        } else {
          level = level * taperedRate;
          adjustments.push('drop_limit_tapered');
        }
        break;
    }
  }

  // Dial Level Threshold Check
  if (input.dialLevelThreshold !== undefined && thresholdTriggered(input.dialLevelThreshold, input.agents)) {
    level = 1;
    adjustments.push('dial_level_threshold');
  }

  // ALWAYS RAISE DIAL_LEVEL TO 1.0 IF IT IS LOWER
  if (level < 1) {
    level = 1;
    adjustments.push('under_floor');
  }

  return {
    dialLevel: level,
    suggestedDialLevel,
    differentialPct: perlRound(differentialPctRaw, 2),
    intensityPct: perlRound(intensityDiff, 2),
    taperedRate,
    adjustments,
  };
}

/**
 * The three threshold kinds shared by `dial_level_threshold` and `available_only_tally_threshold`:
 * triggered when fewer agents than `agents` are logged in / not paused / waiting.
 */
export function thresholdTriggered(threshold: VicidialAgentThreshold, agents: VicidialAgentCounts): boolean {
  switch (threshold.kind) {
    case 'LOGGED-IN_AGENTS':
      return threshold.agents > agents.loggedIn;
    case 'NON-PAUSED_AGENTS':
      return threshold.agents > agents.incall + agents.ready;
    case 'WAITING_AGENTS':
      return threshold.agents > agents.ready;
  }
}
