import { DEFAULT_RETRY_RULES as CAMPAIGN_DEFAULT_RETRY_RULES } from '../campaign/campaign-defaults.ts';
import type { RetryOutcome, RetryRule } from '../campaign/campaign.ts';

/**
 * What happens to a lead after an attempt: per-outcome retry rules from the campaign decide whether
 * and when it is dialed again; final dispositions and exhausted limits close it.
 *
 * @example
 * ```ts
 * nextStep({ outcome: 'busy', attemptsWithOutcome: 1, leadAttempts: 1 }, rules, nowMs);
 * // { action: 'retry', atMs: nowMs + 600_000 } with the default table
 * ```
 */
export type RetryableOutcome = RetryOutcome;

export type { RetryRule };

export type RetryRules = Partial<Record<RetryableOutcome, RetryRule>>;

/**
 * The one default retry table: the campaign defaults' (`campaign-defaults.ts`), which a campaign
 * gets at creation and which fill the outcomes a stored campaign does not configure. Re-exported
 * here so the retry schedule cannot fall back to a different table.
 */
export const DEFAULT_RETRY_RULES: Readonly<Record<RetryableOutcome, RetryRule>> = CAMPAIGN_DEFAULT_RETRY_RULES;

export interface AttemptSummary {
  outcome: RetryableOutcome;
  /** Attempts of this lead that ended with `outcome`, including this one. */
  attemptsWithOutcome: number;
  /** All attempts of this lead, including this one. */
  leadAttempts: number;
}

export type NextStep = { action: 'retry'; atMs: number } | { action: 'close'; reason: 'outcome_limit' | 'lead_limit' };

export function nextStep(attempt: AttemptSummary, rules: RetryRules, maxAttemptsPerLead: number, nowMs: number): NextStep {
  const rule = rules[attempt.outcome] ?? DEFAULT_RETRY_RULES[attempt.outcome];
  if (attempt.leadAttempts >= maxAttemptsPerLead) return { action: 'close', reason: 'lead_limit' };
  if (attempt.attemptsWithOutcome >= rule.maxAttempts) return { action: 'close', reason: 'outcome_limit' };
  return { action: 'retry', atMs: nowMs + rule.delayMs };
}
