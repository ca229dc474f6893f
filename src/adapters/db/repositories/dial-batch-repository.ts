import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { DialBatch, DialStore, NotDialed } from '../../../runtime/ports/dial-store.ts';
import { CallAttemptRepository } from './call-attempt-repository.ts';
import type { DialDecisionRepository } from './dial-decision-repository.ts';
import { DialGateRepository } from './dial-gate-repository.ts';
import { HopperRepository } from './hopper-repository.ts';

/** Open records older than this no longer count as a live call (a node that died and never came back). */
const DEFAULT_LIVE_CALL_MAX_AGE_MS = 4 * 3_600_000;

/**
 * The dial batch in PostgreSQL: decisions (hash chain), call records, hopper releases and lead marks
 * in one transaction, under a transaction-scoped advisory lock per number so that no two campaigns
 * (on any node) decide to dial the same number at once; a number with an open call record is
 * reported live to the plan.
 *
 * @example
 * ```ts
 * const store = new DialBatchRepository(db, decisions);
 * const batch = await store.commitBatch({ campaignId, nodeId, numbers: ['+12125550100'] }, (live) => plan(live));
 * ```
 */
export class DialBatchRepository implements DialStore {
  readonly #db: Kysely<Database>;
  readonly #decisions: DialDecisionRepository;
  readonly #liveCallMaxAgeMs: number;

  constructor(db: Kysely<Database>, decisions: DialDecisionRepository, options: { liveCallMaxAgeMs?: number } = {}) {
    this.#db = db;
    this.#decisions = decisions;
    this.#liveCallMaxAgeMs = options.liveCallMaxAgeMs ?? DEFAULT_LIVE_CALL_MAX_AGE_MS;
  }

  async commitBatch(input: { campaignId: string; nodeId: string; numbers: readonly string[] }, plan: (liveNumbers: ReadonlySet<string>) => DialBatch): Promise<DialBatch> {
    const { campaignId, nodeId, numbers } = input;
    let settle: (committed: boolean) => void = () => undefined;
    try {
      const batch = await this.#db.transaction().execute(async (trx) => {
        const live = await this.#lockAndFindLive(trx, numbers);
        const b = plan(live);
        settle = await this.#decisions.appendIn(trx, campaignId, b.trail);
        await new HopperRepository(trx).release(nodeId, b.released);
        await new CallAttemptRepository(trx).insertMany(b.attempts, trx);
        const gate = new DialGateRepository(trx);
        await gate.markPlaced(b.attempts.map((a) => ({ leadId: a.leadId, e164: a.phone })));
        for (const f of b.dncFlags) await gate.flagDnc(f.leadId, f.e164);
        return b;
      });
      settle(true);
      return batch;
    } catch (err) {
      settle(false);
      throw err;
    }
  }

  async recordNotDialed(campaignId: string, items: readonly NotDialed[]): Promise<void> {
    if (items.length === 0) return;
    let settle: (committed: boolean) => void = () => undefined;
    try {
      await this.#db.transaction().execute(async (trx) => {
        settle = await this.#decisions.appendIn(trx, campaignId, items.map((i) => i.decision));
        await sql`
          UPDATE call_attempts a SET ended_at = x.ended_at, outcome = 'not_dialed', not_dialed_reason = x.reason
          FROM unnest(${items.map((i) => i.attemptId)}::uuid[], ${items.map((i) => new Date(i.endedAtMs))}::timestamptz[], ${items.map((i) => i.reason)}::text[]) AS x(id, ended_at, reason)
          WHERE a.id = x.id AND a.ended_at IS NULL`.execute(trx);
        // The attempt never happened: give it back on the lead and the number, and put the lead back in line.
        await sql`
          WITH l AS (
            UPDATE leads SET attempts = greatest(attempts - 1, 0), status = 'scheduled', next_attempt_at = x.next_at, lease_owner = NULL, lease_expires_at = NULL
            FROM unnest(${items.map((i) => i.leadId)}::bigint[], ${items.map((i) => new Date(i.nextAttemptAtMs))}::timestamptz[]) AS x(id, next_at)
            WHERE leads.id = x.id AND leads.status = 'in_call'
          )
          UPDATE lead_phones p SET attempts = greatest(p.attempts - 1, 0), dnc_flagged = p.dnc_flagged OR x.dnc
          FROM unnest(${items.map((i) => i.leadId)}::bigint[], ${items.map((i) => i.e164)}::text[], ${items.map((i) => i.reason === 'dnc')}::boolean[]) AS x(lead_id, e164, dnc)
          JOIN leads owner ON owner.id = x.lead_id
          WHERE p.campaign_id = owner.campaign_id AND p.lead_id = x.lead_id AND p.e164 = x.e164`.execute(trx);
      });
      settle(true);
    } catch (err) {
      settle(false);
      throw err;
    }
  }

  async #lockAndFindLive(trx: Kysely<Database>, numbers: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(numbers)].sort();
    if (unique.length === 0) return new Set();
    // Sorted, so concurrent batches take their locks in one order (no deadlock).
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(n, 7405)) FROM (SELECT n FROM unnest(${unique}::text[]) AS n ORDER BY n) s`.execute(trx);
    const r = await sql<{ phone: string }>`
      SELECT DISTINCT phone FROM call_attempts
      WHERE phone = ANY(${unique}::text[]) AND ended_at IS NULL AND created_at > now() - make_interval(secs => ${this.#liveCallMaxAgeMs / 1000})`.execute(trx);
    return new Set(r.rows.map((row) => row.phone));
  }
}
