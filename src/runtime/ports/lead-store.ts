import type { CallOutcome } from '../../domain/call/call-outcome.ts';

/** A lead's attempts in all and by retry class (what the retry rules count). */
export interface AttemptCounts {
  lead: number;
  noAnswer: number;
  busy: number;
  machine: number;
  failed: number;
}

/** A lead's next step after an attempt. */
export interface LeadSettlement {
  leadId: string;
  status: 'scheduled' | 'done' | 'exhausted' | 'callback';
  nextAttemptAtMs: number | null;
  lastOutcome: string;
}

/** A lead still `in_call` behind a call record that was closed without it (crash recovery). */
export interface InCallLead {
  attemptId: string;
  leadId: string;
  campaignId: string;
  phone: string;
  outcome: CallOutcome | null;
  abandoned: boolean;
}

/**
 * The lead bookkeeping around attempts. Contract:
 * - `attemptCounts`: per lead, its counted attempts and its records by retry class; a record whose
 *   outcome is `unknown` or `not_dialed` counts in no class (a crash or a dial that never reached the
 *   network must not use up a limit).
 * - `settleLeads` / `settleLead` set status, next attempt and last outcome and clear the lead's
 *   lease; `settleLead` also sets (or clears) the agent owning a callback.
 * - `giveBackAttempts` takes back one attempt on each lead and number (never below 0).
 * - `inCallLeadsOf` returns, of the given records, those whose lead is still `in_call`.
 *
 * Adapters: PostgreSQL (`DialGateRepository`), in memory (`MemoryLeadStore`).
 */
export interface LeadStore {
  attemptCounts(leadIds: readonly string[]): Promise<Map<string, AttemptCounts>>;
  settleLeads(items: readonly LeadSettlement[]): Promise<void>;
  settleLead(leadId: string, next: Omit<LeadSettlement, 'leadId'> & { callbackAgentId?: string | null }): Promise<void>;
  giveBackAttempts(attempts: readonly { leadId: string; e164: string }[]): Promise<void>;
  inCallLeadsOf(attemptIds: readonly string[]): Promise<InCallLead[]>;
}
