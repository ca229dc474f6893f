import { thresholdTriggered } from './adaptive-dial-level.ts';
import type { VicidialAgentCounts, VicidialAgentThreshold } from './adaptive-dial-level.ts';
import { perlRound } from './perl-numbers.ts';

export interface CallsToPlaceInput {
  /** `$DBIPadlevel`: the campaign's `auto_dial_level`. */
  dialLevel: number;
  /** `$DBIPACTIVEcount`: agents READY/DONE (waiting for a call). */
  activeAgents: number;
  /** `$DBIPINCALLcount`: agents INCALL/QUEUE (busy but not paused). */
  incallAgents: number;
  /** All logged-in agents (`$user_counter`), for the LOGGED-IN_AGENTS thresholds. */
  loggedInAgents: number;
  /** Calls of the campaign live as XFER/CLOSER, i.e. connected to an agent (`$tally_xfer_line_counter`). */
  connectedCalls: number;
  /** Calls SENT/RINGING/LIVE (placed, not yet with an agent). */
  pendingCalls: number;
  /** `available_only_ratio_tally`. */
  availableOnlyTally: boolean;
  /** `$DBIPadaptive_dl_diff_target`. */
  adaptiveDlDiffTarget: number;
  availableOnlyTallyThreshold?: VicidialAgentThreshold;
  dialLevelThreshold?: VicidialAgentThreshold;
}

export interface CallsToPlaceResult {
  /** `$DBIPmakecalls`, never negative. */
  makeCalls: number;
  /** `$DBIPgoalcalls`, sprintf %.0f. */
  goalCalls: number;
  /** `$DBIPexistcalls`. */
  existCalls: number;
  /** `$DBIPcount` after the tally rules: the agents the dial level multiplies. */
  agentsCounted: number;
  /** `$active_only`: the available-only tally was on or a threshold switched it on. */
  activeOnly: boolean;
  /** The dial level used (forced to 1 by a dial level threshold). */
  dialLevel: number;
}

/**
 * How `AST_VDauto_dial.pl` turns the dial level into calls each second:
 * `goalcalls = sprintf("%.0f", adlevel x counted agents [+ connected calls when available-only])`,
 * `makecalls = goalcalls - calls already up (SENT, RINGING, LIVE, XFER, CLOSER)`.
 *
 * @example
 * ```ts
 * vicidialCallsToPlace({ dialLevel: 2, activeAgents: 2, incallAgents: 3, loggedInAgents: 6,
 *   connectedCalls: 3, pendingCalls: 4, availableOnlyTally: false, adaptiveDlDiffTarget: 0 });
 * // goalCalls 10 (2 x 5), existCalls 7, makeCalls 3
 * ```
 */
export function vicidialCallsToPlace(input: CallsToPlaceInput): CallsToPlaceResult {
  const agents: VicidialAgentCounts = {
    loggedIn: input.loggedInAgents,
    incall: input.incallAgents,
    ready: input.activeAgents,
  };
  let activeOnly = input.availableOnlyTally;
  if (!activeOnly && input.availableOnlyTallyThreshold !== undefined) {
    activeOnly = thresholdTriggered(input.availableOnlyTallyThreshold, agents);
  }
  let count = activeOnly ? input.activeAgents : input.activeAgents + input.incallAgents;
  if (count < 0) count = 0;

  let dialLevel = input.dialLevel;
  if (input.dialLevelThreshold !== undefined && thresholdTriggered(input.dialLevelThreshold, agents)) dialLevel = 1;

  // apply dial level difference target
  count = count + input.adaptiveDlDiffTarget;
  if (count < 0) count = 0;

  let goal = dialLevel * count;
  if (activeOnly) goal += input.connectedCalls;
  const goalCalls = perlRound(goal, 0);
  const existCalls = input.pendingCalls + input.connectedCalls;
  const makeCalls = Math.max(0, goalCalls - existCalls);
  return { makeCalls, goalCalls, existCalls, agentsCounted: count, activeOnly, dialLevel };
}
