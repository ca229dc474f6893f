import type { CallRecordPatch } from '../../domain/call/call-session.ts';
import type { AbandonHistoryBucket } from '../../domain/compliance/campaign-ledger.ts';

/** A call record written (in the dial batch) before its call is originated. */
export interface NewCallAttempt {
  /** Set by the caller so the id can go into the decision trail in the same batch. */
  id?: string;
  originatedAtMs?: number;
  campaignId: string;
  leadId: string;
  phone: string;
  callerId: string;
  timezone: string | null;
  localTimeAtDial: string | null;
  dncListsChecked: readonly { id: string; version: string }[];
  nodeId: string;
}

/** What the runtime needs to know of a call record to act on a request about it. */
export interface CallRef {
  id: string;
  campaignId: string;
  leadId: string;
  agentId: string | null;
  disposition: string | null;
}

/** A disposition as an agent or supervisor sets it. */
export interface DispositionInput {
  code: string;
  note: string | null;
  callbackAtMs: number | null;
}

/** Who set it (for the audit trail), and the DNC list the number goes on for a do-not-call code. */
export interface DispositionAudit {
  actorKeyId: string | null;
  actorRole: string | null;
  addToDnc?: string;
}


/**
 * The call records (`call_attempts`) as the runtime writes and reads them. Contract:
 * - `updateMany` writes each record's patch; a field the patch does not know keeps its stored value
 *   (except `abandoned` and `messagePlayed`, which a patch always states).
 * - `closeOrphans(nodeId)` closes every open record of that node (`ended` now, outcome kept or
 *   `unknown`) and returns their ids; `closeOpenOfOtherNodes(campaignId, nodeId)` does the same for
 *   the campaign's open records of any other node (or none).
 * - `callById` finds a record; `setDisposition` sets its disposition with an audit entry and, with
 *   `addToDnc`, adds the record's number to that DNC list in the same change and bumps its version.
 * - `abandonHistory` counts, per minute of the call's end since a time, live answers (`human`), their
 *   abandons and the live answers the AMD passed as human (the ledger's restore, `restoreAbandonLedger`).
 *
 * Adapters: PostgreSQL (`CallAttemptRepository`), in memory
 * (`MemoryAttemptStore`).
 */
export interface AttemptStore {
  updateMany(patches: readonly { id: string; patch: Readonly<CallRecordPatch> }[]): Promise<void>;
  closeOrphans(nodeId: string, nowMs: number): Promise<string[]>;
  closeOpenOfOtherNodes(campaignId: string, nodeId: string, nowMs: number): Promise<string[]>;
  callById(callId: string): Promise<CallRef | undefined>;
  setDisposition(callId: string, disposition: DispositionInput, audit: DispositionAudit): Promise<{ addedToDnc: boolean }>;
  abandonHistory(campaignId: string, sinceMs: number): Promise<AbandonHistoryBucket[]>;
}
