import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/database.ts';
import { CallRecordExportRepository } from '../adapters/db/repositories/call-record-export-repository.ts';
import { ReportRepository } from '../adapters/db/repositories/report-repository.ts';
import callRecordsRoutes from '../adapters/http/routes/call-records.ts';
import reportsRoutes from '../adapters/http/routes/reports.ts';
import exportsRoutes from '../adapters/http/routes/exports.ts';
import { ExportJobRepository } from '../adapters/db/repositories/export-job-repository.ts';
import { registerExportWorker } from '../adapters/export/export-job-worker.ts';
import type { JobQueue } from '../domain/ports/job-queue.ts';
import { CampaignStatsRepository } from '../adapters/db/repositories/campaign-stats-repository.ts';
import { createPromRuntimeMetrics } from '../adapters/metrics/prom-runtime-metrics.ts';
import { registerRuntimeGauges, type RuntimeGaugeSource } from '../adapters/metrics/runtime-gauges.ts';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/ports/clock.ts';
import type { RuntimeMetrics } from '../domain/ports/metrics.ts';
import { AuditLogRepository } from '../adapters/db/repositories/audit-log-repository.ts';
import { RecordingRepository } from '../adapters/db/repositories/recording-repository.ts';
import { RecordingFiles } from '../adapters/recording/recording-files.ts';
import callRecordingRoutes from '../adapters/http/routes/call-recordings.ts';

export interface ComplianceFeatureDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** PACER_RECORDINGS_DIR: where `GET /v1/call-records/{id}/recording` reads recordings (route absent without it). */
  recordingsDir?: string;
  /** Background exports (`/v1/exports`): the job queue and where finished files are kept. */
  backgroundExports?: { jobQueue: JobQueue; dir: string; runWorker?: boolean };
  /** The service registry and the running dialer: adds the scrape-time runtime gauges. */
  metrics?: {
    registry: Registry;
    runtime: Pick<RuntimeGaugeSource, 'runningCampaignIds' | 'stats'>;
    telephony: Pick<RuntimeGaugeSource, 'capacity'>;
  };
}

/**
 * Wires the compliance officer's tools on the `/v1` instance: call-record and dial-decision exports,
 * abandonment, daily and agent reports; with `metrics`, the runtime gauges, returning the event-driven
 * {@link RuntimeMetrics} for the runtime to call.
 *
 * @example
 * ```ts
 * registerFeatures: async (v1) => { await registerComplianceFeature(v1, { db: database.db, clock }); }
 * ```
 */
export async function registerComplianceFeature(v1: FastifyInstance, deps: ComplianceFeatureDeps): Promise<RuntimeMetrics | undefined> {
  const exportRepository = new CallRecordExportRepository(deps.db);
  await v1.register(callRecordsRoutes, { exports: exportRepository });
  if (deps.recordingsDir !== undefined) {
    await v1.register(callRecordingRoutes, { recordings: new RecordingRepository(deps.db), files: new RecordingFiles(deps.recordingsDir), auditLog: new AuditLogRepository(deps.db) });
  }
  if (deps.backgroundExports !== undefined) {
    const { jobQueue, dir } = deps.backgroundExports;
    const jobs = new ExportJobRepository(deps.db);
    if (deps.backgroundExports.runWorker ?? true) registerExportWorker(jobQueue, { jobs, exports: exportRepository, dir });
    await v1.register(exportsRoutes, { jobs, exports: exportRepository, queue: jobQueue });
  }
  // The UK figure's AMD false-positive estimate is each campaign's own setting (amdFalsePositiveRate).
  await v1.register(reportsRoutes, { reports: new ReportRepository(deps.db), clock: deps.clock });
  if (deps.metrics === undefined) return undefined;
  const { registry, runtime, telephony } = deps.metrics;
  const stats = new CampaignStatsRepository(deps.db);
  registerRuntimeGauges(registry, {
    runningCampaignIds: () => runtime.runningCampaignIds(),
    stats: (id) => runtime.stats(id),
    hopperDepth: (id) => stats.hopperDepth(id, deps.clock.nowMs()),
    capacity: () => telephony.capacity(),
  });
  return createPromRuntimeMetrics(registry);
}
