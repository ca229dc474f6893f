import type { JobQueue } from '../../domain/ports/job-queue.ts';
import { IMPORT_QUEUE, type ImportJobData } from './lead-import-service.ts';
import { runLeadImport, type LeadImportJobDeps } from './lead-import-job.ts';

/**
 * Registers the `imports` queue worker: each job runs {@link runLeadImport} for its `importId`.
 * Bad files end as a failed import (the job succeeds); unexpected errors fail the job too.
 *
 * @example
 * ```ts
 * registerLeadImportWorker(queue, { imports, pool, dncListIdsFor: (id) => dnc.listIdsApplyingToCampaign(id),
 *   timeZoneLookups: createPackagedTimeZoneLookups(), defaultRegion: 'US' });
 * ```
 */
export function registerLeadImportWorker(queue: JobQueue, deps: LeadImportJobDeps, options: { concurrency?: number } = {}): void {
  queue.process<ImportJobData>(
    IMPORT_QUEUE,
    async (job) => {
      const outcome = await runLeadImport(job.data.importId, deps);
      await job.updateProgress({ status: outcome.status });
    },
    { concurrency: options.concurrency ?? 1 },
  );
}
