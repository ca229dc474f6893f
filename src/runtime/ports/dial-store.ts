import type { NewCallAttempt } from './attempt-store.ts';
import type { DialDecision } from './dial-decision.ts';

/** A leased lead handed back without an attempt (blocked by the gate). */
export interface ReleasedLead {
  leadId: string;
  status: 'scheduled' | 'exhausted';
  nextAttemptAtMs: number | null;
}

/** Everything one dial batch writes; committed whole or not at all. */
export interface DialBatch {
  /** The hash-chained decisions, placed and blocked, in the order they were made. */
  trail: DialDecision[];
  released: ReleasedLead[];
  /** The call records of the placed decisions (their ids are the decisions' `attemptId`). */
  attempts: (NewCallAttempt & { id: string })[];
  /** Numbers found on a DNC list at dial time: flagged so they are never leased again. */
  dncFlags: { leadId: string; e164: string }[];
}

/** Why a recorded dial was not originated after all (the re-check just before originate, or telephony). */
export type NotDialedReason = 'campaign_paused' | 'lease_not_held' | 'outside_calling_hours' | 'dnc' | 'telephony_refused' | 'originate_error';

/** A dial of a committed batch that never reached the network. */
export interface NotDialed {
  attemptId: string;
  leadId: string;
  e164: string;
  reason: NotDialedReason;
  /** When the lead may be tried again (its attempt is given back). */
  nextAttemptAtMs: number;
  endedAtMs: number;
  /** The `blocked` decision that says so, chained after the batch's `placed` one. */
  decision: DialDecision;
}

/**
 * What a campaign's actor writes when it dials: the dial batch in one transaction, and the dials its
 * re-check stopped. PostgreSQL adapter: `src/adapters/db/repositories/dial-batch-repository.ts`.
 *
 * @example
 * ```ts
 * const batch = await store.commitBatch({ campaignId, nodeId, numbers }, (live) => planBatch(candidates, live));
 * // re-check, then originate batch.attempts; the ones stopped go to recordNotDialed
 * ```
 */
export interface DialStore {
  /**
   * One transaction: takes a lock per number (so two campaigns, on any node, cannot both decide to
   * dial it), finds which of `numbers` are in a live call anywhere, lets `plan` build the batch with
   * that knowledge, and writes its decisions, records, lead marks (attempt counted, lead `in_call`)
   * and releases.
   */
  commitBatch(input: { campaignId: string; nodeId: string; numbers: readonly string[] }, plan: (liveNumbers: ReadonlySet<string>) => DialBatch): Promise<DialBatch>;
  /** Closes recorded dials that were not originated (`not_dialed`), gives their attempts back, reschedules their leads. */
  recordNotDialed(campaignId: string, items: readonly NotDialed[]): Promise<void>;
}
