import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { HopperRepository } from './hopper-repository.ts';
import { LeadQueryRepository } from './lead-query-repository.ts';

/** What the database says about why a campaign does or does not dial (see `diagnoseCampaign`). */
export interface StoredCampaignFacts {
  status: 'draft' | 'running' | 'paused' | 'stopped';
  unknownZonePolicy: 'deny' | 'campaign_zone' | 'strictest';
  agentsByState: Record<string, number>;
  leadsByStatus: Record<string, number>;
  dueNow: number;
  nextDueAtMs: number | null;
  recentBlocked: Record<string, number>;
  unresolvedZoneNumbers: number;
}

/**
 * Reads a campaign's dialing facts in a few aggregate queries: its agents by state, its leads by
 * status, the leads due now (the hopper's own count), the next scheduled retry or callback, the
 * gate's recent `blocked` decisions by reason, and the numbers still to dial without one zone.
 *
 * @example
 * ```ts
 * const facts = await repo.facts(campaignId, clock.nowMs(), 15 * 60_000);
 * ```
 */
export class CampaignDiagnosticsRepository {
  readonly #db: Kysely<Database>;
  readonly #hopper: HopperRepository;
  readonly #leads: LeadQueryRepository;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#hopper = new HopperRepository(db);
    this.#leads = new LeadQueryRepository(db);
  }

  async facts(campaignId: string, nowMs: number, recentMs: number): Promise<StoredCampaignFacts | undefined> {
    const c = await this.#db.selectFrom('campaigns').select(['status', 'unknown_zone_policy', 'max_attempts_per_lead']).where('id', '=', campaignId).where('deleted_at', 'is', null).executeTakeFirst();
    if (c === undefined) return undefined;
    const now = new Date(nowMs);
    const [agents, leads, dueNow, next, blocked, unresolved] = await Promise.all([
      this.#db.selectFrom('agents').select(['state', (eb) => eb.fn.countAll<string>().as('n')]).where('campaign_id', '=', campaignId).groupBy('state').execute(),
      this.#leads.counts(campaignId),
      this.#hopper.dueCount(campaignId, nowMs, c.max_attempts_per_lead),
      this.#db.selectFrom('leads').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('campaign_id', '=', campaignId).where('status', 'in', ['scheduled', 'callback']).where('next_attempt_at', '>', now).executeTakeFirst(),
      this.#db.selectFrom('dial_decisions').select(['reason', (eb) => eb.fn.countAll<string>().as('n')]).where('campaign_id', '=', campaignId).where('decision', '=', 'blocked').where('decided_at', '>', new Date(nowMs - recentMs)).groupBy('reason').execute(),
      sql<{ n: string }>`
        SELECT count(*) AS n FROM lead_phones p JOIN leads l ON l.id = p.lead_id AND l.campaign_id = p.campaign_id
        WHERE p.campaign_id = ${campaignId} AND l.status IN ('new', 'scheduled', 'callback') AND NOT p.dnc_flagged
          AND coalesce(p.timezone_source, l.timezone_source) IN ('ambiguous', 'unknown')`.execute(this.#db),
    ]);
    const at = next?.at;
    return {
      status: c.status,
      unknownZonePolicy: c.unknown_zone_policy,
      agentsByState: Object.fromEntries(agents.map((a) => [a.state, Number(a.n)])),
      leadsByStatus: leads.byStatus,
      dueNow,
      nextDueAtMs: at === null || at === undefined ? null : new Date(at).getTime(),
      recentBlocked: Object.fromEntries(blocked.map((b) => [b.reason ?? 'unknown', Number(b.n)])),
      unresolvedZoneNumbers: Number(unresolved.rows[0]?.n ?? 0),
    };
  }
}
