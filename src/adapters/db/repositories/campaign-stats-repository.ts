import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

export interface AbandonCounts {
  liveAnswers: number;
  abandoned: number;
  rate: number;
}

/** Abandon counts of a campaign from its call records, over a time range. */
export class CampaignStatsRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async abandonCounts(campaignId: string, sinceMs: number): Promise<AbandonCounts> {
    const r = await sql<{ live: string; abandoned: string }>`
      SELECT count(*) FILTER (WHERE outcome = 'human') AS live,
             count(*) FILTER (WHERE outcome = 'human' AND abandoned) AS abandoned
      FROM call_attempts WHERE campaign_id = ${campaignId} AND answered_at >= ${new Date(sinceMs)}`.execute(this.#db);
    const live = Number(r.rows[0]?.live ?? 0);
    const abandoned = Number(r.rows[0]?.abandoned ?? 0);
    return { liveAnswers: live, abandoned, rate: live === 0 ? 0 : abandoned / live };
  }

  async hopperDepth(campaignId: string, nowMs: number): Promise<number> {
    const r = await sql<{ n: string }>`
      SELECT count(*) AS n FROM leads WHERE campaign_id = ${campaignId} AND status IN ('new', 'scheduled', 'callback')
        AND (next_attempt_at IS NULL OR next_attempt_at <= ${new Date(nowMs)})`.execute(this.#db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
