import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JobQueue } from '../../domain/ports/job-queue.ts';
import { isPacerError, PacerError } from '../../domain/pacer-error.ts';
import type { CallRecordExportRepository } from '../db/repositories/call-record-export-repository.ts';
import type { ExportJobRepository } from '../db/repositories/export-job-repository.ts';
import { CALL_RECORD_FIELDS, DIAL_DECISION_FIELDS, encodeBatches } from '../http/routes/call-records.ts';

export const EXPORTS_QUEUE = 'exports';
export const EXPORT_JOB = 'export';

export interface ExportJobData {
  exportId: string;
}

export interface ExportWorkerDeps {
  jobs: ExportJobRepository;
  exports: CallRecordExportRepository;
  /** Finished files are written here (`<exportId>.csv|ndjson`). */
  dir: string;
  batchSize?: number;
}

/** Where an export's file goes. */
export function exportFilePath(dir: string, exportId: string, format: 'csv' | 'ndjson'): string {
  return join(dir, `${exportId}.${format}`);
}

/**
 * Runs one export to a file, streaming batch by batch (constant memory), updating rows/bytes written
 * after every batch; a failure removes the partial file and marks the export failed, then rethrows.
 *
 * @example
 * ```ts
 * registerExportWorker(queue, { jobs, exports, dir: join(dataDir, 'exports') });
 * ```
 */
export async function runExport(exportId: string, deps: ExportWorkerDeps): Promise<void> {
  const job = await deps.jobs.get(exportId);
  if (job === undefined) throw new PacerError('NOT_FOUND', `export ${exportId} not found`);
  await mkdir(deps.dir, { recursive: true });
  const path = exportFilePath(deps.dir, exportId, job.format);
  await deps.jobs.start(exportId, path);
  let rows = 0;
  let bytes = 0;
  const batches = job.kind === 'call_records' ? deps.exports.callRecordBatches(job.filter, deps.batchSize) : deps.exports.dialDecisionBatches(job.filter, deps.batchSize);
  async function* counted<R>(source: AsyncIterable<R[]>): AsyncGenerator<R[]> {
    for await (const batch of source) {
      yield batch;
      rows += batch.length;
      await deps.jobs.progress(exportId, rows, bytes);
    }
  }
  const columns = job.kind === 'call_records' ? CALL_RECORD_FIELDS : DIAL_DECISION_FIELDS;
  const counter = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      bytes += Buffer.byteLength(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(encodeBatches(counted<object>(batches), job.format, columns)), counter, createWriteStream(path));
    await deps.jobs.progress(exportId, rows, bytes);
    await deps.jobs.finish(exportId, { status: 'completed' });
  } catch (err) {
    await rm(path, { force: true });
    await deps.jobs.finish(exportId, { status: 'failed', errorCode: isPacerError(err) ? err.code : 'INTERNAL', errorMessage: 'export failed; see the server log' });
    throw new PacerError('INTERNAL', `export ${exportId} failed`, { cause: err });
  }
}

/** Registers the `exports` queue worker. */
export function registerExportWorker(queue: JobQueue, deps: ExportWorkerDeps): void {
  queue.process<ExportJobData>(EXPORTS_QUEUE, async (job) => {
    await runExport(job.data.exportId, deps);
  }, { concurrency: 1 });
}
