import { isInsideCallingHours, localTimeIn, type CallingHours } from './calling-window.ts';

/**
 * The one compliance check every dial passes through (predictive, progressive, preview, callbacks,
 * retries). Pure: the caller looks up DNC hits and live numbers *now* and passes them in.
 *
 * @example
 * ```ts
 * const verdict = evaluateDial(candidate, { nowMs: clock.nowMs(), rules, dncHits: [], numberInLiveCall: false });
 * if (!verdict.allowed) recordBlocked(verdict.reason);
 * ```
 */

export type TimeZoneSource = 'column' | 'zip' | 'state' | 'phone' | 'ambiguous' | 'unknown';

export interface DialCandidate {
  phoneE164: string;
  timezone: string | null;
  timezoneSource: TimeZoneSource;
  /** Candidate zones when the source is `ambiguous`. */
  timezoneCandidates: readonly string[] | null;
  leadAttempts: number;
  numberAttempts: number;
}

export interface DialRules {
  callingHours: CallingHours;
  /** `deny` (default): never call an unknown/ambiguous zone; `campaign_zone`: use `defaultTimeZone`;
   * `strictest`: call an ambiguous lead only when every candidate zone is inside the hours. */
  unknownZonePolicy: 'deny' | 'campaign_zone' | 'strictest';
  defaultTimeZone: string | null;
  maxAttemptsPerLead: number;
  maxAttemptsPerNumber: number;
}

export interface DialGateInput {
  nowMs: number;
  rules: DialRules;
  /** Ids of the DNC lists that hold the number right now. */
  dncHits: readonly string[];
  numberInLiveCall: boolean;
}

export type DialBlockReason =
  | 'dnc'
  | 'number_in_live_call'
  | 'attempt_limit_lead'
  | 'attempt_limit_number'
  | 'unknown_time_zone'
  | 'outside_calling_hours';

export type DialVerdict =
  | { allowed: true; zones: readonly string[]; localTimes: readonly string[]; rule: string }
  | { allowed: false; reason: DialBlockReason; zones: readonly string[]; localTimes: readonly string[]; rule: string };

function zonesFor(candidate: DialCandidate, rules: DialRules): { zones: readonly string[]; rule: string } | undefined {
  if (candidate.timezone !== null && candidate.timezoneSource !== 'ambiguous' && candidate.timezoneSource !== 'unknown') {
    return { zones: [candidate.timezone], rule: `zone_from_${candidate.timezoneSource}` };
  }
  if (rules.unknownZonePolicy === 'strictest' && candidate.timezoneCandidates && candidate.timezoneCandidates.length > 0) {
    return { zones: candidate.timezoneCandidates, rule: 'strictest_of_candidates' };
  }
  if (rules.unknownZonePolicy === 'campaign_zone' && rules.defaultTimeZone !== null) {
    return { zones: [rules.defaultTimeZone], rule: 'campaign_default_zone' };
  }
  return undefined;
}

export function evaluateDial(candidate: DialCandidate, input: DialGateInput): DialVerdict {
  const { rules, nowMs } = input;
  const resolved = zonesFor(candidate, rules);
  const zones = resolved?.zones ?? [];
  const localTimes = zones.map((z) => localTimeIn(z, nowMs).iso);
  const blocked = (reason: DialBlockReason, rule: string): DialVerdict => ({ allowed: false, reason, zones, localTimes, rule });
  if (input.dncHits.length > 0) return blocked('dnc', 'dnc_now');
  if (input.numberInLiveCall) return blocked('number_in_live_call', 'one_live_call_per_number');
  if (candidate.leadAttempts >= rules.maxAttemptsPerLead) return blocked('attempt_limit_lead', 'max_attempts_per_lead');
  if (candidate.numberAttempts >= rules.maxAttemptsPerNumber) return blocked('attempt_limit_number', 'max_attempts_per_number');
  if (resolved === undefined) return blocked('unknown_time_zone', `unknown_zone_${rules.unknownZonePolicy}`);
  const inside = zones.every((z) => isInsideCallingHours(z, nowMs, rules.callingHours));
  if (!inside) return blocked('outside_calling_hours', resolved.rule);
  return { allowed: true, zones, localTimes, rule: resolved.rule };
}
