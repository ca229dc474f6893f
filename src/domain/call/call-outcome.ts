/**
 * How a call attempt ended. `not_dialed`: recorded in the dial transaction, stopped by the re-check
 * before originate (it never reached the network and counts as no dial).
 *
 * @example
 * ```ts
 * CALL_OUTCOMES.includes('not_dialed'); // true
 * ```
 */
export const CALL_OUTCOMES = ['human', 'machine', 'no_answer', 'busy', 'invalid', 'unavailable', 'congestion', 'cancelled', 'failed', 'unknown', 'not_dialed'] as const;

export type CallOutcome = (typeof CALL_OUTCOMES)[number];
