import type { Kysely } from 'kysely';
import type { Database, LeadStatus, TimezoneSource } from '../database.ts';

export const LEAD_STATUSES: readonly LeadStatus[] = Object.freeze(['new', 'scheduled', 'leased', 'in_call', 'callback', 'done', 'dnc', 'exhausted']);

export interface LeadPhoneView {
  position: number;
  e164: string;
  attempts: number;
  dncFlagged: boolean;
  /** This number's zone; null source = the lead's zone applies. */
  timezone: string | null;
  timezoneSource: TimezoneSource | null;
  timezoneCandidates: string[] | null;
}

export interface LeadView {
  id: string;
  campaignId: string;
  leadListId: string;
  sourceRow: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  state: string | null;
  zip: string | null;
  timezone: string | null;
  timezoneSource: TimezoneSource;
  timezoneCandidates: string[] | null;
  custom: Record<string, string>;
  status: LeadStatus;
  attempts: number;
  nextAttemptAt: string | null;
  callbackAgentId: string | null;
  lastOutcome: string | null;
  createdAt: string;
  phones: LeadPhoneView[];
}

export interface LeadAttemptView {
  id: string;
  phone: string;
  originatedAt: string | null;
  endedAt: string | null;
  outcome: string | null;
  abandoned: boolean;
  agentId: string | null;
  disposition: string | null;
  timezone: string | null;
  localTimeAtDial: string | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Read side of leads for the people who run campaigns: list and filter a campaign's leads (keyset
 * pages by id), open one lead with its numbers, their zones and its attempt history, and count a
 * campaign's leads by status.
 *
 * @example
 * ```ts
 * const page = await leads.list({ campaignId, status: 'callback', limit: 50 });
 * const next = page.next === null ? undefined : await leads.list({ campaignId, after: page.next, limit: 50 });
 * ```
 */
export class LeadQueryRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async list(input: { campaignId: string; status?: LeadStatus; phone?: string; after?: string; limit: number }): Promise<{ items: LeadView[]; next: string | null }> {
    let q = this.#db.selectFrom('leads as l').selectAll('l').where('l.campaign_id', '=', input.campaignId);
    if (input.status !== undefined) q = q.where('l.status', '=', input.status);
    if (input.after !== undefined) q = q.where('l.id', '>', input.after);
    if (input.phone !== undefined) {
      const phone = input.phone;
      q = q.where((eb) => eb.exists(eb.selectFrom('lead_phones as p').select('p.lead_id').whereRef('p.lead_id', '=', 'l.id').where('p.campaign_id', '=', input.campaignId).where('p.e164', '=', phone)));
    }
    // bigint ids compare as numbers (the string form would sort '10' before '9').
    const rows = await q.orderBy('l.id').limit(input.limit + 1).execute();
    const page = rows.slice(0, input.limit);
    const phones = await this.#phones(input.campaignId, page.map((r) => r.id));
    const items = page.map((r) => this.#view(r, phones.get(r.id) ?? []));
    return { items, next: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async get(leadId: string): Promise<{ lead: LeadView; attempts: LeadAttemptView[] } | undefined> {
    const row = await this.#db.selectFrom('leads').selectAll().where('id', '=', leadId).executeTakeFirst();
    if (row === undefined) return undefined;
    const phones = await this.#phones(row.campaign_id, [row.id]);
    const attempts = await this.#db
      .selectFrom('call_attempts')
      .select(['id', 'phone', 'originated_at', 'ended_at', 'outcome', 'abandoned', 'agent_id', 'disposition', 'timezone', 'local_time_at_dial'])
      .where('campaign_id', '=', row.campaign_id)
      .where('lead_id', '=', row.id)
      .orderBy('created_at')
      .execute();
    return {
      lead: this.#view(row, phones.get(row.id) ?? []),
      attempts: attempts.map((a) => ({ id: a.id, phone: a.phone, originatedAt: iso(a.originated_at), endedAt: iso(a.ended_at), outcome: a.outcome, abandoned: a.abandoned, agentId: a.agent_id, disposition: a.disposition, timezone: a.timezone, localTimeAtDial: a.local_time_at_dial })),
    };
  }

  /** Every status with its count (0 included), and the total. */
  async counts(campaignId: string): Promise<{ total: number; byStatus: Record<LeadStatus, number> }> {
    const rows = await this.#db.selectFrom('leads').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('campaign_id', '=', campaignId).groupBy('status').execute();
    const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<LeadStatus, number>;
    let total = 0;
    for (const r of rows) {
      byStatus[r.status] = Number(r.n);
      total += Number(r.n);
    }
    return { total, byStatus };
  }

  async #phones(campaignId: string, leadIds: readonly string[]): Promise<Map<string, LeadPhoneView[]>> {
    const out = new Map<string, LeadPhoneView[]>();
    if (leadIds.length === 0) return out;
    const rows = await this.#db.selectFrom('lead_phones').selectAll().where('campaign_id', '=', campaignId).where('lead_id', 'in', [...leadIds]).orderBy('lead_id').orderBy('position').execute();
    for (const p of rows) {
      const list = out.get(p.lead_id) ?? [];
      list.push({ position: p.position, e164: p.e164, attempts: p.attempts, dncFlagged: p.dnc_flagged, timezone: p.timezone, timezoneSource: p.timezone_source, timezoneCandidates: p.timezone_candidates });
      out.set(p.lead_id, list);
    }
    return out;
  }

  #view(r: { id: string; campaign_id: string; lead_list_id: string; source_row: number; first_name: string | null; last_name: string | null; email: string | null; state: string | null; zip: string | null; timezone: string | null; timezone_source: TimezoneSource; timezone_candidates: string[] | null; custom: Record<string, string>; status: LeadStatus; attempts: number; next_attempt_at: Date | null; callback_agent_id: string | null; last_outcome: string | null; created_at: Date }, phones: LeadPhoneView[]): LeadView {
    return {
      id: r.id, campaignId: r.campaign_id, leadListId: r.lead_list_id, sourceRow: r.source_row, firstName: r.first_name, lastName: r.last_name, email: r.email,
      state: r.state, zip: r.zip, timezone: r.timezone, timezoneSource: r.timezone_source, timezoneCandidates: r.timezone_candidates, custom: r.custom,
      status: r.status, attempts: r.attempts, nextAttemptAt: iso(r.next_attempt_at), callbackAgentId: r.callback_agent_id, lastOutcome: r.last_outcome, createdAt: r.created_at.toISOString(), phones,
    };
  }
}
