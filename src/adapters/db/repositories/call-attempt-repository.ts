import { sql, type Kysely, type Transaction } from 'kysely';
import type { CallRecordPatch } from '../../../domain/call/call-session.ts';
import type { CallOutcome, Database } from '../database.ts';
import { AuditLogRepository } from './audit-log-repository.ts';
import type { AbandonHistoryBucket } from '../../../domain/compliance/campaign-ledger.ts';
import type { AttemptStore, CallRef, DispositionAudit, DispositionInput, NewCallAttempt } from '../../../runtime/ports/attempt-store.ts';

export type { NewCallAttempt };

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
export class CallAttemptRepository implements AttemptStore {
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
        recording_path: patch.recordingPath,
      })
      .where('id', '=', attemptId)
      .execute();
  }

  /**
   * Writes many records in one statement (the runtime's write-behind flush). Each patch is the
   * session's full record so far; a field it does not know keeps its stored value.
   */
  async updateMany(patches: readonly { id: string; patch: Readonly<CallRecordPatch> }[]): Promise<void> {
    if (patches.length === 0) return;
    const col = <T>(f: (p: Readonly<CallRecordPatch>) => T | undefined): (T | null)[] => patches.map(({ patch }) => f(patch) ?? null);
    const ts = (f: (p: Readonly<CallRecordPatch>) => number | undefined) => col((p) => { const v = f(p); return v === undefined ? undefined : new Date(v); });
    await sql`
      UPDATE call_attempts a SET
        originated_at = COALESCE(x.originated_at, a.originated_at),
        ringing_at = COALESCE(x.ringing_at, a.ringing_at),
        answered_at = COALESCE(x.answered_at, a.answered_at),
        greeting_ended_at = COALESCE(x.greeting_ended_at, a.greeting_ended_at),
        agent_connected_at = COALESCE(x.agent_connected_at, a.agent_connected_at),
        ended_at = COALESCE(x.ended_at, a.ended_at),
        outcome = COALESCE(x.outcome, a.outcome),
        sip_cause = COALESCE(x.sip_cause, a.sip_cause),
        amd_result = COALESCE(x.amd_result, a.amd_result),
        amd_decision_ms = COALESCE(x.amd_decision_ms, a.amd_decision_ms),
        abandoned = x.abandoned,
        message_played = x.message_played,
        agent_id = COALESCE(x.agent_id, a.agent_id),
        recording_path = COALESCE(x.recording_path, a.recording_path)
      FROM unnest(
        ${patches.map((p) => p.id)}::uuid[],
        ${ts((p) => p.originatedAtMs)}::timestamptz[], ${ts((p) => p.ringingAtMs)}::timestamptz[], ${ts((p) => p.answeredAtMs)}::timestamptz[],
        ${ts((p) => p.greetingEndedAtMs)}::timestamptz[], ${ts((p) => p.agentConnectedAtMs)}::timestamptz[], ${ts((p) => p.endedAtMs)}::timestamptz[],
        ${col((p) => p.outcome)}::text[], ${col((p) => p.sipCause)}::int[], ${col((p) => p.amdResult)}::text[], ${col((p) => p.amdDecisionMs)}::int[],
        ${col((p) => p.abandoned)}::boolean[], ${col((p) => p.messagePlayed)}::boolean[], ${col((p) => p.agentId)}::uuid[],
        ${col((p) => p.recordingPath)}::text[]
      ) AS x(id, originated_at, ringing_at, answered_at, greeting_ended_at, agent_connected_at, ended_at, outcome, sip_cause, amd_result, amd_decision_ms, abandoned, message_played, agent_id, recording_path)
      WHERE a.id = x.id`.execute(this.#db);
  }

  /**
   * Sets a call's disposition, audited (`call.disposition`, before and after). With `addToDnc`, the
   * dialed number goes on that DNC list (the internal one) in the same transaction, the list's
   * version is bumped (so a dial already decided is re-checked before its originate) and the audit
   * entry says so. Returns whether the number was newly added.
   */
  async setDisposition(
    attemptId: string,
    disposition: DispositionInput,
    audit: DispositionAudit,
  ): Promise<{ addedToDnc: boolean }> {
    return this.#db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('call_attempts').select(['phone', 'disposition', 'disposition_note', 'callback_at']).where('id', '=', attemptId).forUpdate().executeTakeFirstOrThrow();
      await trx
        .updateTable('call_attempts')
        .set({ disposition: disposition.code, disposition_note: disposition.note, callback_at: disposition.callbackAtMs === null ? null : new Date(disposition.callbackAtMs) })
        .where('id', '=', attemptId)
        .execute();
      let addedToDnc = false;
      if (audit.addToDnc !== undefined) {
        const inserted = await trx.insertInto('dnc_entries').values({ dnc_list_id: audit.addToDnc, e164: before.phone }).onConflict((oc) => oc.doNothing()).returning('e164').execute();
        addedToDnc = inserted.length > 0;
        if (addedToDnc) await trx.updateTable('dnc_lists').set({ version: sql`version + 1` }).where('id', '=', audit.addToDnc).execute();
      }
      await new AuditLogRepository(this.#db).record({
        actorKeyId: audit.actorKeyId,
        actorRole: audit.actorRole,
        action: 'call.disposition',
        entityType: 'call_attempt',
        entityId: attemptId,
        before: { disposition: before.disposition, note: before.disposition_note, callbackAt: before.callback_at?.toISOString() ?? null },
        after: { disposition: disposition.code, note: disposition.note, callbackAt: disposition.callbackAtMs === null ? null : new Date(disposition.callbackAtMs).toISOString(), ...(audit.addToDnc === undefined ? {} : { dncList: audit.addToDnc, addedToDnc }) },
      }, trx);
      return { addedToDnc };
    });
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

  /**
   * Closes the campaign's open records written by other nodes (or by none): the caller holds the
   * campaign's lease, so none of them is dialing it. Returns their ids.
   */
  async closeOpenOfOtherNodes(campaignId: string, nodeId: string, nowMs: number): Promise<string[]> {
    const rows = await this.#db
      .updateTable('call_attempts')
      .set({ ended_at: new Date(nowMs), outcome: sql<CallOutcome>`coalesce(outcome, 'unknown')` })
      .where('campaign_id', '=', campaignId)
      .where('ended_at', 'is', null)
      .where((eb) => eb.or([eb('node_id', 'is', null), eb('node_id', '<>', nodeId)]))
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async callById(callId: string): Promise<CallRef | undefined> {
    const row = await this.#db.selectFrom('call_attempts').select(['id', 'campaign_id', 'lead_id', 'agent_id', 'disposition']).where('id', '=', callId).executeTakeFirst();
    return row === undefined ? undefined : { id: row.id, campaignId: row.campaign_id, leadId: String(row.lead_id), agentId: row.agent_id, disposition: row.disposition };
  }

  /**
   * A campaign's abandon-ledger events per minute of call end since `sinceMs` (to restore the
   * ledger on start or on a settings change): live answers, abandons and live answers the AMD passed
   * as human (the base of the false-positive estimate). The runtime records these at call end, in
   * a ledger bucketed per minute (24 h) or per hour (30 days), so the restored ledger equals the
   * live one.
   */
  async abandonHistory(campaignId: string, sinceMs: number): Promise<AbandonHistoryBucket[]> {
    const r = await sql<{ minute: Date; live: string; abandoned: string; amd_human: string }>`
      SELECT date_trunc('minute', ended_at) AS minute,
             count(*) AS live,
             count(*) FILTER (WHERE abandoned) AS abandoned,
             count(*) FILTER (WHERE amd_result = 'human') AS amd_human
      FROM call_attempts
      WHERE campaign_id = ${campaignId} AND outcome = 'human' AND ended_at >= ${new Date(sinceMs)}
      GROUP BY 1 ORDER BY 1`.execute(this.#db);
    return r.rows.map((row) => ({ atMs: row.minute.getTime(), liveAnswers: Number(row.live), abandoned: Number(row.abandoned), amdPassedHumans: Number(row.amd_human) }));
  }
}
