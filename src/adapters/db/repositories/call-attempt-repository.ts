import { sql, type Kysely, type Transaction } from 'kysely';
import type { CallRecordPatch } from '../../../domain/call/call-session.ts';
import type { CallOutcome, Database } from '../database.ts';

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

const toDate = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/**
 * The call record (`call_attempts`): inserted before a call is originated, updated at each
 * transition, closed as `unknown` after a crash so no attempt is ever silently dropped.
 *
 * @example
 * ```ts
 * const id = await attempts.insert(newAttempt);          // before TelephonyPort.originate
 * await attempts.update(id, session.record);              // at each transition and at the end
 * ```
 */
export class CallAttemptRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(attempt: NewCallAttempt, trx: Kysely<Database> | Transaction<Database> = this.#db): Promise<string> {
    const [id] = await this.insertMany([attempt], trx);
    if (id === undefined) throw new RangeError('insert returned no id');
    return id;
  }

  /** Inserts several records in one statement; ids in input order. */
  async insertMany(attempts: readonly NewCallAttempt[], trx: Kysely<Database> | Transaction<Database> = this.#db): Promise<string[]> {
    if (attempts.length === 0) return [];
    const rows = await trx
      .insertInto('call_attempts')
      .values(
        attempts.map((attempt) => ({
          ...(attempt.id === undefined ? {} : { id: attempt.id }),
          campaign_id: attempt.campaignId,
          lead_id: attempt.leadId,
          phone: attempt.phone,
          caller_id: attempt.callerId,
          timezone: attempt.timezone,
          local_time_at_dial: attempt.localTimeAtDial,
          dnc_lists_checked: JSON.stringify(attempt.dncListsChecked),
          originated_at: attempt.originatedAtMs === undefined ? null : new Date(attempt.originatedAtMs),
          node_id: attempt.nodeId,
        })),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Writes what the call session knows; fields it does not know yet are left as they are. */
  async update(attemptId: string, patch: Readonly<CallRecordPatch>): Promise<void> {
    await this.#db
      .updateTable('call_attempts')
      .set({
        originated_at: toDate(patch.originatedAtMs),
        ringing_at: toDate(patch.ringingAtMs),
        answered_at: toDate(patch.answeredAtMs),
        greeting_ended_at: toDate(patch.greetingEndedAtMs),
        agent_connected_at: toDate(patch.agentConnectedAtMs),
        ended_at: toDate(patch.endedAtMs),
        outcome: patch.outcome,
        sip_cause: patch.sipCause,
        amd_result: patch.amdResult,
        amd_decision_ms: patch.amdDecisionMs,
        abandoned: patch.abandoned,
        message_played: patch.messagePlayed,
        agent_id: patch.agentId,
      })
      .where('id', '=', attemptId)
      .execute();
  }

  async setDisposition(attemptId: string, disposition: { code: string; note: string | null; callbackAtMs: number | null }): Promise<void> {
    await this.#db
      .updateTable('call_attempts')
      .set({ disposition: disposition.code, disposition_note: disposition.note, callback_at: disposition.callbackAtMs === null ? null : new Date(disposition.callbackAtMs) })
      .where('id', '=', attemptId)
      .execute();
  }

  /**
   * Closes attempts a crashed node left open: outcome `unknown`, ended now. Returns their ids so the
   * runtime can log them and update the leads.
   */
  async closeOrphans(nodeId: string, nowMs: number): Promise<string[]> {
    const rows = await this.#db
      .updateTable('call_attempts')
      .set({ ended_at: new Date(nowMs), outcome: sql<CallOutcome>`coalesce(outcome, 'unknown')` })
      .where('node_id', '=', nodeId)
      .where('ended_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
