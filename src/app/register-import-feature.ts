import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../adapters/db/create-database.ts';
import { ImportRepository } from '../adapters/db/repositories/import-repository.ts';
import importRoutes from '../adapters/http/routes/imports.ts';
import { LeadImportService } from '../adapters/import/lead-import-service.ts';
import { registerLeadImportWorker } from '../adapters/import/lead-import-worker.ts';
import { createPackagedTimeZoneLookups } from '../adapters/import/packaged-time-zone-lookups.ts';
import type { JobQueue } from '../domain/ports/job-queue.ts';
import type { CountryCode } from '../domain/leads/phone-number.ts';
import type { Services } from './create-services.ts';

export interface ImportFeatureDeps {
  database: DatabaseHandle;
  jobQueue: JobQueue;
  services: Services;
  defaultRegion: CountryCode;
  /** Uploads are spooled here until their job has read them. */
  spoolDir: string;
  /** Largest accepted lead CSV, bytes; the route's default (5 GiB) when omitted. */
  maxUploadBytes?: number;
  /** Run the `imports` worker in this process (default true). */
  runWorker?: boolean;
  /** Re-enqueue imports left queued/running by a crash, at registration (default true). */
  requeueUnfinished?: boolean;
}

/** Where uploads are spooled under the data directory. */
export function importSpoolDir(dataDir: string): string {
  return join(dataDir, 'uploads');
}

/**
 * Wires lead imports (IMPORT engineer's adapters): the `imports` queue worker and the routes
 * `POST /v1/campaigns/{id}/leads` and `GET /v1/imports/{id}` on the `/v1` instance, then re-enqueues
 * imports a crash left queued or running (returns how many).
 *
 * @example
 * ```ts
 * await buildApp({ ..., registerFeatures: (v1) => registerImportFeature(v1, { database, jobQueue, services, defaultRegion: 'US', spoolDir }) });
 * ```
 */
export async function registerImportFeature(v1: FastifyInstance, deps: ImportFeatureDeps): Promise<{ requeued: number }> {
  const { database, services } = deps;
  const imports = new ImportRepository(database.db);
  const service = new LeadImportService({
    db: database.db,
    imports,
    auditLog: services.auditLog,
    queue: deps.jobQueue,
    spoolDir: deps.spoolDir,
    defaultRegion: deps.defaultRegion,
    maxUploadBytes: deps.maxUploadBytes ?? 5 * 1024 ** 3,
  });
  if (deps.runWorker ?? true) {
    registerLeadImportWorker(deps.jobQueue, {
      imports,
      pool: database.pool,
      dncListIdsFor: (campaignId) => services.dncRepository.listIdsApplyingToCampaign(campaignId),
      timeZoneLookups: createPackagedTimeZoneLookups(),
      defaultRegion: deps.defaultRegion,
    });
  }
  await v1.register(importRoutes, { imports: service, ...(deps.maxUploadBytes !== undefined ? { maxUploadBytes: deps.maxUploadBytes } : {}) });
  // Crash recovery: imports left queued (crash between commit and enqueue) or running (a worker died
  // mid-import; its transaction rolled back) are enqueued again. Idempotent: the job id is the import id.
  if (deps.requeueUnfinished ?? true) return { requeued: await service.requeueUnfinished() };
  return { requeued: 0 };
}
