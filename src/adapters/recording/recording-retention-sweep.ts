import type { Logger } from '../../domain/ports/logger.ts';
import type { Scheduler } from '../../domain/ports/scheduler.ts';
import type { RecordingRepository } from '../db/repositories/recording-repository.ts';
import type { RecordingFiles } from './recording-files.ts';

export interface RecordingRetentionSweepOptions {
  scheduler: Scheduler;
  recordings: RecordingRepository;
  files: RecordingFiles;
  logger: Logger;
  /** How often the sweep runs (default 1 h); the first run is right after `start()`. */
  intervalMs?: number;
  /** Records expired per database round trip (default 500). */
  batchSize?: number;
}

/**
 * The retention sweep: deletes recordings kept longer than their campaign's `recording.retentionDays`
 * and marks them expired on the call record (`recording_expired_at`; the path stays, as history). Runs
 * on the server through the Scheduler port, every `intervalMs`. A file already gone is marked
 * expired too; one that cannot be deleted (permissions) is left, logged, and tried again next run.
 *
 * @example
 * ```ts
 * const sweep = new RecordingRetentionSweep({ scheduler, recordings, files, logger });
 * sweep.start();            // sweeps now, then hourly
 * await sweep.sweepOnce();  // { expired: 12, failed: 0 }
 * sweep.stop();
 * ```
 */
export class RecordingRetentionSweep {
  readonly #o: Required<RecordingRetentionSweepOptions>;
  #cancel: (() => void) | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: RecordingRetentionSweepOptions) {
    this.#o = { intervalMs: 3_600_000, batchSize: 500, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(this.#o.scheduler.nowMs());
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#running;
  }

  /** Waits for the run in progress, if any (tests on a virtual clock). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** One pass over every recording due now. */
  async sweepOnce(): Promise<{ expired: number; failed: number }> {
    const { scheduler, recordings, files, logger, batchSize } = this.#o;
    let expired = 0;
    let failed = 0;
    for (;;) {
      const nowMs = scheduler.nowMs();
      const due = await recordings.dueForExpiry(nowMs, batchSize);
      const done: string[] = [];
      for (const d of due) {
        try {
          await files.remove(d.path);
          done.push(d.attemptId);
        } catch (err) {
          failed += 1;
          logger.error({ err, attemptId: d.attemptId, path: d.path }, 'expired recording could not be deleted; tried again next sweep');
        }
      }
      await recordings.markExpired(done, nowMs);
      expired += done.length;
      // A full batch with progress: there may be more; a batch of failures only: stop until next run.
      if (due.length < batchSize || done.length === 0) break;
    }
    if (expired > 0 || failed > 0) logger.info({ expired, failed }, 'recording retention sweep');
    return { expired, failed };
  }

  #schedule(atMs: number): void {
    if (this.#stopped) return;
    this.#cancel = this.#o.scheduler.at(atMs, () => {
      this.#cancel = undefined;
      const run = this.sweepOnce()
        .catch((err: unknown) => this.#o.logger.error({ err }, 'recording retention sweep failed; retried next interval'))
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.#o.scheduler.nowMs() + this.#o.intervalMs);
        });
      this.#running = run;
    });
  }
}
