import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import stringify from 'safe-stable-stringify';
import type { Database } from '../database.ts';
import type { DialDecision } from '../../../runtime/ports/dial-decision.ts';

/** The chain's first `prev_hash` for every campaign. */
export const GENESIS_HASH = '0'.repeat(64);

export type { DialDecision };

/** The hash of one record: SHA-256 over the previous hash and the record's canonical JSON. */
export function decisionHash(prevHash: string, seq: string, d: DialDecision): string {
  const canonical = stringify({
    seq,
    campaignId: d.campaignId,
    decidedAt: new Date(d.decidedAtMs).toISOString(),
    leadId: d.leadId,
    phone: d.phone,
    attemptId: d.attemptId,
    decision: d.decision,
    reason: d.reason,
    inputs: d.inputs,
  });
  return createHash('sha256').update(prevHash).update('\n').update(canonical ?? '').digest('hex');
}

/**
 * The append-only, per-campaign hash-chained trail of dial decisions (placed or blocked). Only the node
 * holding a campaign's lease appends to its chain; appends are serialized per campaign in-process.
 *
 * @example
 * ```ts
 * await trail.append([{ campaignId, decidedAtMs: clock.nowMs(), decision: 'blocked', reason: 'dnc', ... }]);
 * ```
 */
export class DialDecisionRepository {
  readonly #db: Kysely<Database>;
  readonly #heads = new Map<string, { seq: bigint; hash: string }>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Appends decisions of one campaign in order; serialized with other appends to the same campaign. */
  append(campaignId: string, decisions: readonly DialDecision[]): Promise<void> {
    const previous = this.#queues.get(campaignId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#append(campaignId, decisions));
    this.#queues.set(campaignId, next);
    return next;
  }

  /**
   * Appends inside the caller's transaction (the runtime's dial batch: decisions, records and lead
   * marks commit together). The caller must not append to the same campaign concurrently (the
   * campaign's actor is its only writer). Returns `settle`: call it with `true` once the transaction
   * committed (the cached head moves on), `false` when it did not (the head is read again next time).
   *
   * @example
   * ```ts
   * let settle = (_: boolean) => {};
   * try {
   *   await db.transaction().execute(async (trx) => { settle = await trail.appendIn(trx, id, rows); ... });
   *   settle(true);
   * } catch (err) { settle(false); throw err; }
   * ```
   */
  async appendIn(trx: Kysely<Database>, campaignId: string, decisions: readonly DialDecision[]): Promise<(committed: boolean) => void> {
    if (decisions.length === 0) return () => undefined;
    const { rows, head } = this.#rows(await this.#head(campaignId, trx), campaignId, decisions);
    await trx.insertInto('dial_decisions').values(rows).execute();
    return (committed) => {
      if (committed) this.#heads.set(campaignId, head);
      else this.#heads.delete(campaignId);
    };
  }

  async #head(campaignId: string, db: Kysely<Database> = this.#db): Promise<{ seq: bigint; hash: string }> {
    const cached = this.#heads.get(campaignId);
    if (cached !== undefined) return cached;
    const last = await db
      .selectFrom('dial_decisions')
      .select(['seq', 'hash'])
      .where('campaign_id', '=', campaignId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last === undefined ? { seq: 0n, hash: GENESIS_HASH } : { seq: BigInt(last.seq), hash: last.hash };
  }

  async #append(campaignId: string, decisions: readonly DialDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const { rows, head } = this.#rows(await this.#head(campaignId), campaignId, decisions);
    try {
      await this.#db.insertInto('dial_decisions').values(rows).execute();
      this.#heads.set(campaignId, head);
    } catch (err) {
      // The cached head may be stale (another writer): reload it on the next append.
      this.#heads.delete(campaignId);
      throw err;
    }
  }

  #rows(start: { seq: bigint; hash: string }, campaignId: string, decisions: readonly DialDecision[]) {
    let head = start;
    const rows = decisions.map((d) => {
      if (d.campaignId !== campaignId) throw new RangeError(`decision for campaign ${d.campaignId} appended to ${campaignId}`);
      const seq = (head.seq + 1n).toString();
      const hash = decisionHash(head.hash, seq, d);
      const row = {
        campaign_id: campaignId,
        seq,
        decided_at: new Date(d.decidedAtMs),
        lead_id: d.leadId,
        phone: d.phone,
        attempt_id: d.attemptId,
        decision: d.decision,
        reason: d.reason,
        inputs: JSON.stringify(d.inputs),
        prev_hash: head.hash,
        hash,
      };
      head = { seq: BigInt(seq), hash };
      return row;
    });
    return { rows, head };
  }
}
