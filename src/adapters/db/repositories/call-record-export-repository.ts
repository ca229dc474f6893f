import { sql, type Kysely } from 'kysely';
import type { CallOutcome, Database } from '../database.ts';

/** Filters of a call-record or dial-decision export; times are epoch ms, `toMs` exclusive. */
export interface CallRecordFilter {
  campaignId?: string;
  fromMs?: number;
  toMs?: number;
  outcome?: CallOutcome;
  agentId?: string;
  phone?: string;
}

/** One exported call record: every field the runtime records plus lead, list and campaign names. */
export interface CallRecordExportRow {
  attemptId: string;
  campaignId: string;
  campaignName: string;
  leadId: string;
  leadName: string | null;
  listId: string;
  listName: string;
  phone: string;
  callerId: string;
  timezone: string | null;
  localTimeAtDial: string | null;
  dncListsChecked: unknown;
  originatedAt: string | null;
  ringingAt: string | null;
  answeredAt: string | null;
  greetingEndedAt: string | null;
  agentConnectedAt: string | null;
  endedAt: string | null;
  outcome: CallOutcome | null;
  sipCause: number | null;
  amdResult: 'human' | 'machine' | 'unknown' | null;
  amdDecisionMs: number | null;
  abandoned: boolean;
  messagePlayed: boolean;
  agentId: string | null;
  disposition: string | null;
  dispositionNote: string | null;
  callbackAt: string | null;
  nodeId: string | null;
  /** The recording, relative to PACER_RECORDINGS_DIR (download: GET /v1/call-records/{id}/recording). */
  recordingPath: string | null;
  /** When the retention sweep deleted the recording (the path is kept). */
  recordingExpiredAt: string | null;
}

/** One exported dial decision (placed or blocked) with its chain fields. */
export interface DialDecisionExportRow {
  campaignId: string;
  seq: string;
  decidedAt: string;
  leadId: string | null;
  phone: string | null;
  attemptId: string | null;
  decision: 'placed' | 'blocked';
  reason: string | null;
  inputs: unknown;
  prevHash: string;
  hash: string;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Reads call records and dial decisions for export in keyset-paginated batches, so an export of any
 * size holds one batch in memory at a time.
 *
 * @example
 * ```ts
 * for await (const batch of exports.callRecordBatches({ campaignId }, 2000)) write(batch);
 * ```
 */
export class CallRecordExportRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async campaignExists(campaignId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('campaigns').select('id').where('id', '=', campaignId).executeTakeFirst();
    return row !== undefined;
  }

  /** Call records ordered by (originatedAt, attemptId), in batches of `batchSize`. */
  async *callRecordBatches(filter: Readonly<CallRecordFilter>, batchSize = 2000): AsyncGenerator<CallRecordExportRow[]> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      let q = this.#db
        .selectFrom('call_attempts as a')
        .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
        .innerJoin('leads as l', 'l.id', 'a.lead_id')
        .innerJoin('lead_lists as ll', 'll.id', 'l.lead_list_id')
        .select([
          'a.id', 'a.campaign_id', 'c.name as campaign_name', 'a.lead_id', 'l.first_name', 'l.last_name', 'l.lead_list_id', 'll.name as list_name',
          'a.phone', 'a.caller_id', 'a.timezone', 'a.local_time_at_dial', 'a.dnc_lists_checked', 'a.originated_at', 'a.ringing_at', 'a.answered_at',
          'a.greeting_ended_at', 'a.agent_connected_at', 'a.ended_at', 'a.outcome', 'a.sip_cause', 'a.amd_result', 'a.amd_decision_ms', 'a.abandoned',
          'a.message_played', 'a.agent_id', 'a.disposition', 'a.disposition_note', 'a.callback_at', 'a.node_id',
          'a.recording_path', 'a.recording_expired_at',
        ])
        .where('a.originated_at', 'is not', null);
      if (filter.campaignId !== undefined) q = q.where('a.campaign_id', '=', filter.campaignId);
      if (filter.fromMs !== undefined) q = q.where('a.originated_at', '>=', new Date(filter.fromMs));
      if (filter.toMs !== undefined) q = q.where('a.originated_at', '<', new Date(filter.toMs));
      if (filter.outcome !== undefined) q = q.where('a.outcome', '=', filter.outcome);
      if (filter.agentId !== undefined) q = q.where('a.agent_id', '=', filter.agentId);
      if (filter.phone !== undefined) q = q.where('a.phone', '=', filter.phone);
      if (after !== undefined) {
        const { at, id } = after;
        q = q.where(sql<boolean>`(a.originated_at, a.id) > (${at}, ${id}::uuid)`);
      }
      const rows = await q.orderBy('a.originated_at').orderBy('a.id').limit(batchSize).execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        attemptId: r.id,
        campaignId: r.campaign_id,
        campaignName: r.campaign_name,
        leadId: r.lead_id,
        leadName: [r.first_name, r.last_name].filter((p) => p !== null && p !== '').join(' ') || null,
        listId: r.lead_list_id,
        listName: r.list_name,
        phone: r.phone,
        callerId: r.caller_id,
        timezone: r.timezone,
        localTimeAtDial: r.local_time_at_dial,
        dncListsChecked: r.dnc_lists_checked,
        originatedAt: iso(r.originated_at),
        ringingAt: iso(r.ringing_at),
        answeredAt: iso(r.answered_at),
        greetingEndedAt: iso(r.greeting_ended_at),
        agentConnectedAt: iso(r.agent_connected_at),
        endedAt: iso(r.ended_at),
        outcome: r.outcome,
        sipCause: r.sip_cause,
        amdResult: r.amd_result,
        amdDecisionMs: r.amd_decision_ms,
        abandoned: r.abandoned,
        messagePlayed: r.message_played,
        agentId: r.agent_id,
        disposition: r.disposition,
        dispositionNote: r.disposition_note,
        callbackAt: iso(r.callback_at),
        nodeId: r.node_id,
        recordingPath: r.recording_path,
        recordingExpiredAt: iso(r.recording_expired_at),
      }));
      const last = rows[rows.length - 1];
      if (last === undefined || last.originated_at === null || rows.length < batchSize) return;
      after = { at: last.originated_at, id: last.id };
    }
  }

  /**
   * Dial decisions ordered by (campaign, seq), in batches. `decision` narrows to placed or blocked
   * (blocked dials are only in this trail, never in the call records).
   */
  async *dialDecisionBatches(filter: Readonly<Pick<CallRecordFilter, 'campaignId' | 'fromMs' | 'toMs' | 'phone'> & { decision?: 'placed' | 'blocked' }>, batchSize = 2000): AsyncGenerator<DialDecisionExportRow[]> {
    let after: { campaignId: string; seq: string } | undefined;
    for (;;) {
      let q = this.#db.selectFrom('dial_decisions').selectAll();
      if (filter.campaignId !== undefined) q = q.where('campaign_id', '=', filter.campaignId);
      if (filter.fromMs !== undefined) q = q.where('decided_at', '>=', new Date(filter.fromMs));
      if (filter.toMs !== undefined) q = q.where('decided_at', '<', new Date(filter.toMs));
      if (filter.phone !== undefined) q = q.where('phone', '=', filter.phone);
      if (filter.decision !== undefined) q = q.where('decision', '=', filter.decision);
      if (after !== undefined) {
        const { campaignId, seq } = after;
        q = q.where(sql<boolean>`(campaign_id, seq) > (${campaignId}::uuid, ${seq}::bigint)`);
      }
      const rows = await q.orderBy('campaign_id').orderBy('seq').limit(batchSize).execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        campaignId: r.campaign_id,
        seq: String(r.seq),
        decidedAt: r.decided_at.toISOString(),
        leadId: r.lead_id === null ? null : String(r.lead_id),
        phone: r.phone,
        attemptId: r.attempt_id,
        decision: r.decision,
        reason: r.reason,
        inputs: r.inputs,
        prevHash: r.prev_hash,
        hash: r.hash,
      }));
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < batchSize) return;
      after = { campaignId: last.campaign_id, seq: String(last.seq) };
    }
  }
}
