import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

export interface DncListVersion {
  id: string;
  version: string;
}

/**
 * What the dial gate reads from the database at the moment of dialing: the DNC lists that apply to a
 * campaign (with their versions, for the decision trail) and which of a batch of numbers they hold
 * *now*. Also the lead bookkeeping around an attempt.
 */
export class DialGateRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The internal list, every global list and the campaign lists attached to the campaign. */
  async listsApplyingTo(campaignId: string): Promise<DncListVersion[]> {
    const rows = await this.#db
      .selectFrom('dnc_lists')
      .select(['id', 'version'])
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('scope', '=', 'global'),
          eb('id', 'in', eb.selectFrom('campaign_dnc_lists').select('dnc_list_id').where('campaign_id', '=', campaignId)),
        ]),
      )
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, version: String(r.version) }));
  }

  /** For each number held by one of `listIds`, the ids of the lists holding it. */
  async dncHits(numbers: readonly string[], listIds: readonly string[]): Promise<Map<string, string[]>> {
    const hits = new Map<string, string[]>();
    if (numbers.length === 0 || listIds.length === 0) return hits;
    const rows = await this.#db
      .selectFrom('dnc_entries')
      .select(['e164', 'dnc_list_id'])
      .where('e164', 'in', [...new Set(numbers)])
      .where('dnc_list_id', 'in', [...listIds])
      .execute();
    for (const r of rows) hits.set(r.e164, [...(hits.get(r.e164) ?? []), r.dnc_list_id]);
    return hits;
  }

  /** Marks a number found on a DNC list at dial time, so it is never leased again. */
  async flagDnc(leadId: string, e164: string): Promise<void> {
    await this.#db.updateTable('lead_phones').set({ dnc_flagged: true }).where('lead_id', '=', leadId).where('e164', '=', e164).execute();
  }

  /** Counts an attempt on each lead and number; the leads are in a call until {@link settleLead}. */
  async markPlaced(placed: readonly { leadId: string; e164: string }[]): Promise<void> {
    if (placed.length === 0) return;
    const leadIds = placed.map((p) => p.leadId);
    const numbers = placed.map((p) => p.e164);
    await sql`
      WITH l AS (
        UPDATE leads SET attempts = attempts + 1, status = 'in_call', lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ANY(${leadIds}::bigint[])
      )
      UPDATE lead_phones p SET attempts = p.attempts + 1
      FROM unnest(${leadIds}::bigint[], ${numbers}::text[]) AS x(lead_id, e164)
      WHERE p.lead_id = x.lead_id AND p.e164 = x.e164`.execute(this.#db);
  }

  /** A lead's attempts in all, and those that ended with one of `outcomes`. */
  async attemptCounts(leadId: string, outcomes: readonly string[]): Promise<{ lead: number; withOutcome: number }> {
    const r = await sql<{ lead: number; with_outcome: string }>`
      SELECT l.attempts AS lead,
             (SELECT count(*) FROM call_attempts a WHERE a.lead_id = l.id AND a.outcome = ANY(${[...outcomes]})) AS with_outcome
      FROM leads l WHERE l.id = ${leadId}`.execute(this.#db);
    const row = r.rows[0];
    return { lead: row?.lead ?? 0, withOutcome: Number(row?.with_outcome ?? 0) };
  }

  /** After an attempt: schedule the lead's next attempt or close it. */
  async settleLead(leadId: string, next: { status: 'scheduled' | 'done' | 'exhausted' | 'callback'; nextAttemptAtMs: number | null; lastOutcome: string; callbackAgentId?: string | null }): Promise<void> {
    await this.#db
      .updateTable('leads')
      .set({
        status: next.status,
        next_attempt_at: next.nextAttemptAtMs === null ? null : new Date(next.nextAttemptAtMs),
        last_outcome: next.lastOutcome,
        callback_agent_id: next.callbackAgentId ?? null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', leadId)
      .execute();
  }

  /** Live answers and abandons of a campaign per hour since `sinceMs` (to rebuild the ledger on start). */
  async abandonHistory(campaignId: string, sinceMs: number): Promise<{ hourMs: number; liveAnswers: number; abandoned: number }[]> {
    const r = await sql<{ hour: Date; live: string; abandoned: string }>`
      SELECT date_trunc('hour', answered_at) AS hour,
             count(*) FILTER (WHERE outcome = 'human') AS live,
             count(*) FILTER (WHERE outcome = 'human' AND abandoned) AS abandoned
      FROM call_attempts
      WHERE campaign_id = ${campaignId} AND answered_at >= ${new Date(sinceMs)}
      GROUP BY 1 ORDER BY 1`.execute(this.#db);
    return r.rows.map((row) => ({ hourMs: row.hour.getTime(), liveAnswers: Number(row.live), abandoned: Number(row.abandoned) }));
  }
}
