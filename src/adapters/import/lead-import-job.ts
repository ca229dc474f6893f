import { access, rm } from 'node:fs/promises';
import { CsvError } from 'csv-parse';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type pg from 'pg';
import { isPacerError, PacerError, type FieldIssue } from '../../domain/pacer-error.ts';
import { layoutLeadColumns } from '../../domain/leads/lead-column-layout.ts';
import { createLeadRecordParser, type ParsedLead } from '../../domain/leads/lead-record-parser.ts';
import { PhoneNumberSet } from '../../domain/leads/phone-number-set.ts';
import { createPhoneNormalizer } from '../../domain/leads/phone-normalizer.ts';
import type { CountryCode } from '../../domain/leads/phone-number.ts';
import { createTimeZoneResolver, type TimeZoneLookups } from '../../domain/leads/time-zone-resolver.ts';
import { MAX_STORED_ISSUES, type ImportRepository } from '../db/repositories/import-repository.ts';
import { ImportLeadWriter, type ImportCommitCounts } from '../db/repositories/import-lead-writer.ts';
import { csvErrorToPacerError } from './csv-error-issue.ts';
import { readCsvRecords } from './csv-records.ts';

export interface LeadImportJobDeps {
  imports: ImportRepository;
  pool: pg.Pool;
  /** The DNC lists applying to a campaign: wire to DncRepository.listIdsApplyingToCampaign. */
  dncListIdsFor(campaignId: string): Promise<readonly string[]>;
  timeZoneLookups: TimeZoneLookups;
  /** Region for numbers written without `+` when the import names none (config; usually 'US'). */
  defaultRegion: CountryCode;
  /** Longest accepted CSV row, default 1 MiB. */
  maxRecordBytes?: number;
  /** Minimum time between progress writes, default 1000 ms. */
  progressIntervalMs?: number;
  /** Leads per write (two COPY statements; default 20,000). */
  chunkRows?: number;
  /**
   * Most numbers (the campaign's existing ones, the applicable DNC lists) read into memory for
   * dedupe and DNC scrub; larger sets are probed per chunk instead (default 4,000,000).
   */
  preloadLimit?: number;
  /** Delete the spooled upload once the import finished (default true). */
  deleteUpload?: boolean;
}

export type LeadImportOutcome =
  | { status: 'completed'; rowsTotal: number; rowsRejected: number; counts: ImportCommitCounts }
  | { status: 'failed'; error: PacerError }
  | { status: 'skipped'; reason: string };

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** How often (in rows) the parser looks at the clock to decide on a progress write. */
const PROGRESS_CHECK_ROWS = 1000;

/**
 * Runs one queued lead import end to end: streams the spooled CSV (readCsvRecords: a fast reader
 * for the plain dialect that hands over to csv-parse), validates and normalizes each row (phones to
 * E.164, callee time zone) and hands the good ones to an {@link ImportLeadWriter}, which dedupes,
 * flags DNC numbers and COPYs them chunk by chunk into `leads` and `lead_phones`, all inside one
 * transaction committed at the end.
 *
 * Bad input (no `phone` column, broken quoting, an over-long row, an empty file) fails the import
 * with IMPORT_FAILED naming the row and leaves no leads; the job itself then succeeds (the outcome
 * is recorded on the import). So does a CONFLICT (the import stopped being `running` meanwhile).
 * Unexpected failures (database down) also mark the import failed and are rethrown for the queue
 * to record.
 *
 * @example
 * ```ts
 * queue.process<{ importId: string }>('imports', (job) => runLeadImport(job.data.importId, deps).then(() => undefined));
 * ```
 */
export async function runLeadImport(importId: string, deps: LeadImportJobDeps): Promise<LeadImportOutcome> {
  const spec = await deps.imports.jobSpec(importId);
  if (spec === undefined) return { status: 'skipped', reason: `import ${importId} not found` };
  if (spec.status === 'completed' || spec.status === 'failed') return { status: 'skipped', reason: `import ${importId} is already ${spec.status}` };
  if (!(await deps.imports.markRunning(importId))) return { status: 'skipped', reason: `import ${importId} is no longer queued` };

  const progress = { bytesRead: 0, rowsTotal: 0 };
  const issues: FieldIssue[] = [];
  let writer: ImportLeadWriter | undefined;
  try {
    if (spec.uploadPath === null) throw new PacerError('IMPORT_FAILED', 'the import has no uploaded file');
    const region = spec.defaultRegion !== null && isSupportedCountry(spec.defaultRegion) ? spec.defaultRegion : deps.defaultRegion;
    const dncListIds = await deps.dncListIdsFor(spec.campaignId);
    writer = await ImportLeadWriter.open(
      deps.pool,
      { importId, campaignId: spec.campaignId, leadListId: spec.leadListId, dncListIds },
      { ...(deps.chunkRows === undefined ? {} : { chunkRows: deps.chunkRows }), ...(deps.preloadLimit === undefined ? {} : { preloadLimit: deps.preloadLimit }) },
    );
    const fileSpec = { ...spec, region };
    if (writer.needsFileNumbers) {
      // A campaign too large to preload: learn which of the file's numbers it has, in one join.
      const fileNumbers = new PhoneNumberSet();
      await readFile(spec.uploadPath, fileSpec, deps, { onLead: (lead) => void lead.phones.forEach((e164) => fileNumbers.add(e164)) });
      await writer.learnExistingNumbers(fileNumbers);
    }
    const { rowsRejected } = await readFile(spec.uploadPath, fileSpec, deps, { writer, progress, issues });
    const counts = await writer.commit({ rowsTotal: progress.rowsTotal, rowsRejected, bytesRead: progress.bytesRead, issues });
    await removeUpload(spec.uploadPath, deps);
    return { status: 'completed', rowsTotal: progress.rowsTotal, rowsRejected, counts };
  } catch (err) {
    await writer?.abort();
    const error = isPacerError(err) ? err : new PacerError('INTERNAL', 'the import stopped on an unexpected error', { cause: err });
    const explained = error.issues.length > 0 ? [...error.issues, ...issues] : issues;
    try {
      await deps.imports.markFailed(importId, { code: error.code, message: error.message, issues: explained, ...progress });
    } catch (markErr) {
      throw new PacerError('DATABASE_UNAVAILABLE', `import ${importId} failed and could not be marked failed`, { cause: new AggregateError([error, markErr]) });
    }
    await removeUpload(spec.uploadPath, deps);
    // A bad file, or an import no longer running: recorded on the import, not a job failure.
    if (error.code === 'IMPORT_FAILED' || error.code === 'CONFLICT') return { status: 'failed', error };
    throw error;
  }
}

/** What one pass over the file feeds: the writer (with progress and issues), or only a visitor of valid leads. */
type FilePass =
  | { writer: ImportLeadWriter; progress: { bytesRead: number; rowsTotal: number }; issues: FieldIssue[] }
  | { onLead(lead: ParsedLead): void };

async function readFile(path: string, spec: { id: string; mapping: Parameters<typeof layoutLeadColumns>[1]; region: CountryCode }, deps: LeadImportJobDeps, pass: FilePass): Promise<{ rowsRejected: number }> {
  const progress = 'writer' in pass ? pass.progress : { bytesRead: 0, rowsTotal: 0 };
  const maxRecordBytes = deps.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const intervalMs = deps.progressIntervalMs ?? 1000;
  try {
    await access(path);
  } catch (err) {
    // The API node spooled it; a worker on another machine needs the same spool directory.
    throw new PacerError('IMPORT_FAILED', 'the uploaded file is no longer in the spool directory (is it shared with the worker?)', { cause: err });
  }
  const normalizePhone = createPhoneNormalizer(spec.region);
  const resolveTimeZone = createTimeZoneResolver(deps.timeZoneLookups, { perNumber: true });
  let rowsRejected = 0;
  let lastReportMs = Date.now();
  let parseRecord: ReturnType<typeof createLeadRecordParser> | undefined;
  let row = 0;
  try {
    const batches = readCsvRecords(path, { maxRecordBytes, onBytes: (n) => (progress.bytesRead += n) });
    for await (const batch of batches) {
      for (const record of batch) {
        if (parseRecord === undefined) {
          parseRecord = createLeadRecordParser({ layout: layoutLeadColumns(record, spec.mapping), normalizePhone, resolveTimeZone });
          continue;
        }
        row += 1;
        const result = parseRecord(record, row);
        if (!('writer' in pass)) {
          if (result.ok) pass.onLead(result.lead);
          continue;
        }
        if (result.ok) {
          if (pass.writer.add(result.lead)) await pass.writer.flush();
        } else {
          rowsRejected += 1;
        }
        for (const issue of result.issues) if (pass.issues.length < MAX_STORED_ISSUES) pass.issues.push(detached(issue));
        if (row % PROGRESS_CHECK_ROWS === 0) {
          const nowMs = Date.now();
          if (nowMs - lastReportMs >= intervalMs) {
            lastReportMs = nowMs;
            progress.rowsTotal = row;
            await deps.imports.reportProgress(spec.id, progress);
          }
        }
      }
    }
  } catch (err) {
    if (err instanceof CsvError) throw csvErrorToPacerError(err, { maxRecordBytes });
    throw err;
  }
  progress.rowsTotal = row;
  if (parseRecord === undefined) throw new PacerError('IMPORT_FAILED', 'empty file', { issues: [{ row: 0, field: 'file', reason: 'empty file' }] });
  if (row === 0) {
    const reason = 'the file has a header but no data rows';
    throw new PacerError('IMPORT_FAILED', reason, { issues: [{ row: 1, field: 'file', reason }] });
  }
  return { rowsRejected };
}

/**
 * The issue with its strings copied: cell values quoted in a reason are slices of a whole block
 * of the file, which an issue kept until the end of the import would otherwise keep alive.
 */
function detached(issue: FieldIssue): FieldIssue {
  const copy = (text: string): string => JSON.parse(JSON.stringify(text)) as string;
  return { ...issue, field: copy(issue.field), reason: copy(issue.reason) };
}

async function removeUpload(path: string | null, deps: LeadImportJobDeps): Promise<void> {
  if (path !== null && deps.deleteUpload !== false) await rm(path, { force: true });
}
