import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { DncListVersion, DncStore } from '../../../runtime/ports/dnc-store.ts';
import type { AttemptCounts, InCallLead, LeadSettlement, LeadStore } from '../../../runtime/ports/lead-store.ts';

export type { DncListVersion };

/**
 * What the dial gate reads from the database at the moment of dialing: the DNC lists that apply to a
 * campaign (with their versions, for the decision trail) and which of a batch of numbers they hold
 * *now*. Also the lead bookkeeping around an attempt.
 */
export class DialGateRepository implements DncStore, LeadStore {
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
    // The lead's campaign leads the key of lead_phones (ADR 0006).
    await this.#db
      .updateTable('lead_phones')
      .set({ dnc_flagged: true })
      .where('campaign_id', '=', (eb) => eb.selectFrom('leads').select('campaign_id').where('id', '=', leadId))
      .where('lead_id', '=', leadId)
      .where('e164', '=', e164)
      .execute();
  }

  /** Counts an attempt on each lead and number; the leads are in a call until {@link DialGateRepository.settleLeads}. */
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
      JOIN leads owner ON owner.id = x.lead_id
      WHERE p.campaign_id = owner.campaign_id AND p.lead_id = x.lead_id AND p.e164 = x.e164`.execute(this.#db);
  }

  /**
   * Gives back the attempt counted at dial ({@link DialGateRepository.markPlaced}) on each lead and
   * number: for attempts crash recovery closed as `unknown`, whose callee may never have been rung.
   * A crash must not use up a lead's or a number's attempt limit.
   */
  async giveBackAttempts(attempts: readonly { leadId: string; e164: string }[]): Promise<void> {
    if (attempts.length === 0) return;
    await sql`
      WITH x AS (
        SELECT * FROM unnest(${attempts.map((a) => a.leadId)}::bigint[], ${attempts.map((a) => a.e164)}::text[]) AS x(lead_id, e164)
      ), l AS (
        UPDATE leads SET attempts = greatest(leads.attempts - 1, 0) FROM x WHERE leads.id = x.lead_id
      )
      UPDATE lead_phones p SET attempts = greatest(p.attempts - 1, 0)
      FROM x JOIN leads owner ON owner.id = x.lead_id
      WHERE p.campaign_id = owner.campaign_id AND p.lead_id = x.lead_id AND p.e164 = x.e164`.execute(this.#db);
  }

  /**
   * Per lead: attempts in all and by retry class (what the retry rules count). An attempt whose
   * outcome is `unknown` (closed by crash recovery, or answered and never classified) counts in no
   * class: it must not use up the `failed` limit of a lead that was never reached.
   */
  async attemptCounts(leadIds: readonly string[]): Promise<Map<string, AttemptCounts>> {
    const out = new Map<string, AttemptCounts>();
    if (leadIds.length === 0) return out;
    const r = await sql<{ id: string; attempts: number; no_answer: string; busy: string; machine: string; failed: string }>`
      SELECT l.id, l.attempts,
             count(a.id) FILTER (WHERE a.outcome IN ('no_answer', 'cancelled') OR (a.outcome = 'human' AND a.abandoned)) AS no_answer,
             count(a.id) FILTER (WHERE a.outcome = 'busy') AS busy,
             count(a.id) FILTER (WHERE a.outcome = 'machine') AS machine,
             count(a.id) FILTER (WHERE a.outcome IN ('invalid', 'unavailable', 'congestion', 'failed')) AS failed
      FROM leads l LEFT JOIN call_attempts a ON a.lead_id = l.id
      WHERE l.id = ANY(${[...new Set(leadIds)]}::bigint[])
      GROUP BY l.id, l.attempts`.execute(this.#db);
    for (const row of r.rows) {
      out.set(String(row.id), { lead: row.attempts, noAnswer: Number(row.no_answer), busy: Number(row.busy), machine: Number(row.machine), failed: Number(row.failed) });
    }
    return out;
  }

  /** After attempts: schedule each lead's next attempt or close it (one statement). */
  async settleLeads(items: readonly LeadSettlement[]): Promise<void> {
    if (items.length === 0) return;
    await sql`
      UPDATE leads SET status = x.status, next_attempt_at = x.next_at, last_outcome = x.last_outcome, lease_owner = NULL, lease_expires_at = NULL
      FROM unnest(${items.map((i) => i.leadId)}::bigint[], ${items.map((i) => i.status)}::text[],
                  ${items.map((i) => (i.nextAttemptAtMs === null ? null : new Date(i.nextAttemptAtMs)))}::timestamptz[],
                  ${items.map((i) => i.lastOutcome)}::text[]) AS x(id, status, next_at, last_outcome)
      WHERE leads.id = x.id`.execute(this.#db);
  }

  /** After an attempt: schedule the lead's next attempt or close it. */
  async settleLead(leadId: string, next: Omit<LeadSettlement, 'leadId'> & { callbackAgentId?: string | null }): Promise<void> {
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

  /** Of the given call records, those whose lead is still `in_call` (crash recovery settles them). */
  async inCallLeadsOf(attemptIds: readonly string[]): Promise<InCallLead[]> {
    if (attemptIds.length === 0) return [];
    const rows = await this.#db.selectFrom('call_attempts').innerJoin('leads', 'leads.id', 'call_attempts.lead_id')
      .select(['call_attempts.id as attemptId', 'call_attempts.lead_id as leadId', 'call_attempts.campaign_id as campaignId', 'call_attempts.phone', 'call_attempts.outcome', 'call_attempts.abandoned'])
      .where('call_attempts.id', 'in', [...attemptIds]).where('leads.status', '=', 'in_call').execute();
    return rows.map((r) => ({ attemptId: r.attemptId, leadId: String(r.leadId), campaignId: r.campaignId, phone: r.phone, outcome: r.outcome, abandoned: r.abandoned }));
  }
}
