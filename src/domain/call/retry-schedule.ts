/**
 * What happens to a lead after an attempt: per-outcome retry rules from the campaign decide whether
 * and when it is dialed again; final dispositions and exhausted limits close it.
 *
 * @example
 * ```ts
 * nextStep({ outcome: 'busy', attemptsWithOutcome: 1, leadAttempts: 1 }, rules, nowMs);
 * // { action: 'retry', atMs: nowMs + 300_000 }
 * ```
 */
export type RetryableOutcome = 'noAnswer' | 'busy' | 'machine' | 'failed';

export interface RetryRule {
  delayMs: number;
  /** Attempts ending with this outcome after which the lead is closed. */
  maxAttempts: number;
}

export type RetryRules = Partial<Record<RetryableOutcome, RetryRule>>;

export const DEFAULT_RETRY_RULES: Readonly<Record<RetryableOutcome, RetryRule>> = Object.freeze({
  noAnswer: { delayMs: 2 * 60 * 60 * 1000, maxAttempts: 3 },
  busy: { delayMs: 15 * 60 * 1000, maxAttempts: 3 },
  machine: { delayMs: 4 * 60 * 60 * 1000, maxAttempts: 2 },
  failed: { delayMs: 60 * 60 * 1000, maxAttempts: 2 },
});

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
