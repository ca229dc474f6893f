import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** A call record's recording reference. */
export interface CallRecording {
  attemptId: string;
  campaignId: string;
  /** Relative to PACER_RECORDINGS_DIR; null when the call was not recorded. */
  path: string | null;
  /** When the retention sweep deleted the file (the path is kept). */
  expiredAt: Date | null;
}

/**
 * The recording columns of `call_attempts` (migration 0012): what the download route reads and
 * what the retention sweep expires.
 *
 * @example
 * ```ts
 * const due = await recordings.dueForExpiry(clock.nowMs(), 500); // older than their campaign's retentionDays
 * await recordings.markExpired(due.map((d) => d.attemptId), clock.nowMs());
 * ```
 */
export class RecordingRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Undefined when there is no such call record. */
  async recordingOf(attemptId: string): Promise<CallRecording | undefined> {
    const row = await this.#db.selectFrom('call_attempts').select(['id', 'campaign_id', 'recording_path', 'recording_expired_at']).where('id', '=', attemptId).executeTakeFirst();
    return row === undefined ? undefined : { attemptId: row.id, campaignId: row.campaign_id, path: row.recording_path, expiredAt: row.recording_expired_at };
  }

  /**
   * Recordings kept longer than their campaign's `recording_retention_days` after the call ended
   * (or was placed, for a record a crash left open), oldest first.
   */
  async dueForExpiry(nowMs: number, limit: number): Promise<{ attemptId: string; path: string }[]> {
    const rows = await this.#db
      .selectFrom('call_attempts as a')
      .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
      .select(['a.id', 'a.recording_path'])
      .where('a.recording_path', 'is not', null)
      .where('a.recording_expired_at', 'is', null)
      .where(sql<boolean>`coalesce(a.ended_at, a.originated_at) < ${new Date(nowMs)}::timestamptz - make_interval(days => c.recording_retention_days)`)
      .orderBy('a.ended_at')
      .orderBy('a.id')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => (r.recording_path === null ? [] : [{ attemptId: r.id, path: r.recording_path }]));
  }

  async markExpired(attemptIds: readonly string[], nowMs: number): Promise<void> {
    if (attemptIds.length === 0) return;
    await this.#db.updateTable('call_attempts').set({ recording_expired_at: new Date(nowMs) }).where('id', 'in', [...attemptIds]).where('recording_expired_at', 'is', null).execute();
  }
}
