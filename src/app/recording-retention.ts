import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/database.ts';
import { RecordingRepository } from '../adapters/db/repositories/recording-repository.ts';
import { RecordingFiles } from '../adapters/recording/recording-files.ts';
import { RecordingRetentionSweep } from '../adapters/recording/recording-retention-sweep.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';

/**
 * Starts the recording retention sweep of `pacer serve` (now, then hourly) over PACER_RECORDINGS_DIR.
 *
 * @example
 * ```ts
 * const retention = startRecordingRetention({ db, scheduler, recordingsDir: config.recordingsDir, logger });
 * await retention.stop();
 * ```
 */
export function startRecordingRetention(deps: { db: Kysely<Database>; scheduler: Scheduler; recordingsDir: string; logger: Logger; intervalMs?: number }): RecordingRetentionSweep {
  const sweep = new RecordingRetentionSweep({
    scheduler: deps.scheduler,
    recordings: new RecordingRepository(deps.db),
    files: new RecordingFiles(deps.recordingsDir),
    logger: deps.logger.child({ component: 'recording-retention' }),
    ...(deps.intervalMs === undefined ? {} : { intervalMs: deps.intervalMs }),
  });
  sweep.start();
  return sweep;
}
