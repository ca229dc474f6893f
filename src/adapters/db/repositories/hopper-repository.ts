import { sql, type Kysely } from 'kysely';
import type { Database, TimezoneSource } from '../database.ts';

/** A lead taken from the hopper, with the number to dial and what the dial gate needs. */
export interface LeasedLead {
  leadId: string;
  phoneE164: string;
  phonePosition: number;
  timezone: string | null;
  timezoneSource: TimezoneSource;
  timezoneCandidates: string[] | null;
  leadAttempts: number;
  numberAttempts: number;
  callbackAgentId: string | null;
}

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
export class HopperRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async lease(input: {
    campaignId: string;
    nodeId: string;
    count: number;
    nowMs: number;
    leaseMs: number;
    maxAttemptsPerNumber: number;
    /**
     * Agents ready now on this node. A callback owned by an agent (`callback_agent_id`) is leased only
     * while its agent is among them, so it is offered to that agent; absent: owned callbacks wait.
     */
    readyAgentIds?: readonly string[];
  }): Promise<LeasedLead[]> {
    if (input.count <= 0) return [];
    const now = new Date(input.nowMs);
    const expires = new Date(input.nowMs + input.leaseMs);
    // The number to dial: the first of the lead's numbers (by position) not flagged DNC and under its
    // attempt limit, fewest attempts first. Leads with no such number are not leased.
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
      WITH picked AS (
        SELECT l.id
        FROM leads l
        WHERE l.campaign_id = ${input.campaignId}
          AND l.status IN ('new', 'scheduled', 'callback')
          AND (l.next_attempt_at IS NULL OR l.next_attempt_at <= ${now})
          AND (l.status <> 'callback' OR l.callback_agent_id IS NULL OR l.callback_agent_id = ANY(${[...(input.readyAgentIds ?? [])]}::uuid[]))
          AND EXISTS (SELECT 1 FROM lead_phones p WHERE p.campaign_id = l.campaign_id AND p.lead_id = l.id AND NOT p.dnc_flagged AND p.attempts < ${input.maxAttemptsPerNumber})
        ORDER BY l.next_attempt_at NULLS FIRST, l.id
        LIMIT ${input.count}
        FOR UPDATE OF l SKIP LOCKED
      ), leased AS (
        UPDATE leads SET status = 'leased', lease_owner = ${input.nodeId}, lease_expires_at = ${expires}
        FROM picked WHERE leads.id = picked.id
        RETURNING leads.id, leads.timezone, leads.timezone_source, leads.timezone_candidates, leads.attempts, leads.callback_agent_id
      )
      SELECT leased.id AS lead_id, ph.e164, ph.position, leased.timezone, leased.timezone_source, leased.timezone_candidates,
             leased.attempts, ph.attempts AS number_attempts, leased.callback_agent_id
      FROM leased
      CROSS JOIN LATERAL (
        SELECT p.e164, p.position, p.attempts FROM lead_phones p
        WHERE p.campaign_id = ${input.campaignId} AND p.lead_id = leased.id AND NOT p.dnc_flagged AND p.attempts < ${input.maxAttemptsPerNumber}
        ORDER BY p.attempts, p.position LIMIT 1
      ) ph
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

  /** Leads that could be dialed now (hopper depth). */
  async dueCount(campaignId: string, nowMs: number): Promise<number> {
    const r = await this.#db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('status', 'in', ['new', 'scheduled', 'callback'])
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', new Date(nowMs))]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
