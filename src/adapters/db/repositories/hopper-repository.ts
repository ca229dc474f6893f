import { sql, type Kysely } from 'kysely';
import type { Database, TimezoneSource } from '../database.ts';
import type { HopperStore, LeasedLead, LeaseRequest } from '../../../runtime/ports/hopper-store.ts';

export type { LeasedLead };

/**
 * The lead hopper: leases due leads of a campaign to one dialer node with `FOR UPDATE SKIP LOCKED`,
 * so concurrent nodes (or ticks) never take the same lead. A lease expires: a node that dies leaves its
 * leads to be reclaimed by {@link HopperRepository.reclaimExpired}.
 *
 * Time is passed in (`nowMs`) so the runtime can run on a virtual clock.
 *
 * @example
 * ```ts
 * const leads = await hopper.lease({ campaignId, nodeId: 'node-1', count: 5, nowMs: clock.nowMs(), leaseMs: 60_000 });
 * ```
 */
export class HopperRepository implements HopperStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async lease(input: LeaseRequest): Promise<LeasedLead[]> {
    if (input.count <= 0) return [];
    const now = new Date(input.nowMs);
    const expires = new Date(input.nowMs + input.leaseMs);
    const limit = input.maxAttemptsPerNumber;
    const readyAgents = [...(input.readyAgentIds ?? [])];
    // Due leads are picked by priority: callbacks first (an agent-owned one only while its agent is
    // ready), then due retries, oldest due first, then fresh leads. Each class reads the partial
    // index (campaign_id, status, next_attempt_at, id) of migration 0011 in order and stops at
    // `count`. Due leads are picked in order (with or without a callable number). One with a number not
    // flagged DNC and under its attempt limit is leased with that number: the first by (attempts,
    // position), and THAT number's zone (a number stored without one takes the lead's). One with no
    // such number left is closed in the same statement, 'dnc' when every number is flagged, else
    // 'exhausted', so it does not wait in the hopper forever (nor count in its depth).
    const result = await sql<{
      lead_id: string;
      e164: string;
      position: number;
      timezone: string | null;
      timezone_source: TimezoneSource;
      timezone_candidates: string[] | null;
      attempts: number;
      number_attempts: number;
      callback_agent_id: string | null;
    }>`
      WITH due AS (
        (SELECT l.id, 0 AS prio, l.next_attempt_at AS next_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'callback' AND l.next_attempt_at <= ${now}
            AND (l.callback_agent_id IS NULL OR l.callback_agent_id = ANY(${readyAgents}::uuid[]))
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
        UNION ALL
        (SELECT l.id, 1, l.next_attempt_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'scheduled' AND l.next_attempt_at <= ${now}
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
        UNION ALL
        (SELECT l.id, 2, l.next_attempt_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'callback' AND l.next_attempt_at IS NULL
            AND (l.callback_agent_id IS NULL OR l.callback_agent_id = ANY(${readyAgents}::uuid[]))
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
        UNION ALL
        (SELECT l.id, 2, l.next_attempt_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'scheduled' AND l.next_attempt_at IS NULL
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
        UNION ALL
        (SELECT l.id, 3, l.next_attempt_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'new' AND l.next_attempt_at IS NULL
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
        UNION ALL
        (SELECT l.id, 3, l.next_attempt_at FROM leads l
          WHERE l.campaign_id = ${input.campaignId} AND l.status = 'new' AND l.next_attempt_at <= ${now}
          ORDER BY l.next_attempt_at, l.id LIMIT ${input.count})
      ), picked AS (
        SELECT l.id, ph.e164, ph.position, ph.attempts AS number_attempts,
               CASE WHEN ph.timezone_source IS NULL THEN l.timezone ELSE ph.timezone END AS timezone,
               coalesce(ph.timezone_source, l.timezone_source) AS timezone_source,
               CASE WHEN ph.timezone_source IS NULL THEN l.timezone_candidates ELSE ph.timezone_candidates END AS timezone_candidates,
               ph.e164 IS NULL AND NOT EXISTS (SELECT 1 FROM lead_phones q WHERE q.campaign_id = l.campaign_id AND q.lead_id = l.id AND NOT q.dnc_flagged) AS all_dnc
        FROM (SELECT id FROM due ORDER BY prio, next_at NULLS FIRST, id LIMIT ${input.count}) d
        JOIN leads l ON l.id = d.id AND l.campaign_id = ${input.campaignId}
        LEFT JOIN LATERAL (
          SELECT p.e164, p.position, p.attempts, p.timezone, p.timezone_source, p.timezone_candidates FROM lead_phones p
          WHERE p.campaign_id = l.campaign_id AND p.lead_id = l.id AND NOT p.dnc_flagged AND p.attempts < ${limit}
          ORDER BY p.attempts, p.position LIMIT 1
        ) ph ON true
        WHERE l.status IN ('new', 'scheduled', 'callback')
        FOR UPDATE OF l SKIP LOCKED
      ), closed AS (
        UPDATE leads SET status = CASE WHEN picked.all_dnc THEN 'dnc' ELSE 'exhausted' END, next_attempt_at = NULL,
                         dnc_flagged = leads.dnc_flagged OR picked.all_dnc
        FROM picked WHERE leads.id = picked.id AND picked.e164 IS NULL
      ), leased AS (
        UPDATE leads SET status = 'leased', lease_owner = ${input.nodeId}, lease_expires_at = ${expires}
        FROM picked WHERE leads.id = picked.id AND picked.e164 IS NOT NULL
        RETURNING leads.id, leads.attempts, leads.callback_agent_id
      )
      SELECT leased.id AS lead_id, picked.e164, picked.position, picked.timezone, picked.timezone_source, picked.timezone_candidates,
             leased.attempts, picked.number_attempts, leased.callback_agent_id
      FROM leased JOIN picked ON picked.id = leased.id
      ORDER BY leased.id`.execute(this.#db);
    return result.rows.map((r) => ({
      leadId: String(r.lead_id),
      phoneE164: r.e164,
      phonePosition: r.position,
      timezone: r.timezone,
      timezoneSource: r.timezone_source,
      timezoneCandidates: r.timezone_candidates,
      leadAttempts: r.attempts,
      numberAttempts: r.number_attempts,
      callbackAgentId: r.callback_agent_id,
    }));
  }

  /** Puts leased leads back without an attempt (e.g. the dial gate blocked them until later). */
  async release(nodeId: string, leads: readonly { leadId: string; status: 'scheduled' | 'dnc' | 'exhausted' | 'done'; nextAttemptAtMs: number | null }[]): Promise<number> {
    if (leads.length === 0) return 0;
    const r = await sql`
      UPDATE leads SET status = x.status, next_attempt_at = x.next_at, lease_owner = NULL, lease_expires_at = NULL
      FROM unnest(${leads.map((l) => l.leadId)}::bigint[], ${leads.map((l) => l.status)}::text[],
                  ${leads.map((l) => (l.nextAttemptAtMs === null ? null : new Date(l.nextAttemptAtMs)))}::timestamptz[]) AS x(id, status, next_at)
      WHERE leads.id = x.id AND leads.lease_owner = ${nodeId}`.execute(this.#db);
    return Number(r.numAffectedRows ?? 0n);
  }

  /** Returns leads whose lease expired (their node died) to the hopper. */
  async reclaimExpired(nowMs: number): Promise<number> {
    const r = await this.#db
      .updateTable('leads')
      .set({ status: 'scheduled', lease_owner: null, lease_expires_at: null })
      .where('status', '=', 'leased')
      .where('lease_expires_at', '<', new Date(nowMs))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Leads that could be dialed now (hopper depth): due, and with a number `lease` would dial (not
   * flagged DNC, under `maxAttemptsPerNumber` when given). Callbacks owned by an agent count
   * whether or not that agent is ready.
   */
  async dueCount(campaignId: string, nowMs: number, maxAttemptsPerNumber?: number): Promise<number> {
    const limit = maxAttemptsPerNumber ?? null;
    const r = await sql<{ n: string }>`
      SELECT count(*) AS n FROM leads l
      WHERE l.campaign_id = ${campaignId}
        AND l.status IN ('new', 'scheduled', 'callback')
        AND (l.next_attempt_at IS NULL OR l.next_attempt_at <= ${new Date(nowMs)})
        AND EXISTS (SELECT 1 FROM lead_phones p WHERE p.campaign_id = l.campaign_id AND p.lead_id = l.id AND NOT p.dnc_flagged
                    AND (${limit}::int IS NULL OR p.attempts < ${limit}::int))`.execute(this.#db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
