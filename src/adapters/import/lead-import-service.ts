import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { PacerError } from '../../domain/pacer-error.ts';
import { parseColumnMapping } from '../../domain/leads/lead-column-layout.ts';
import type { CountryCode } from '../../domain/leads/phone-number.ts';
import type { JobQueue } from '../../domain/ports/job-queue.ts';
import type { Database } from '../db/database.ts';
import type { ImportIssuePage, ImportRepository, ImportView } from '../db/repositories/import-repository.ts';
import { spoolUpload, type SpooledUpload } from './spool-upload.ts';

/** Queue and job name the import worker listens on. */
export const IMPORT_QUEUE = 'imports';
export const IMPORT_JOB = 'import';
export interface ImportJobData {
  importId: string;
}

/** The audit-log writer (SERVER's AuditLogRepository fits). */
export interface ImportAuditLog {
  record(
    entry: { actorKeyId: string | null; actorRole: string | null; action: string; entityType: string; entityId: string | null; before: unknown; after: unknown },
    trx?: Kysely<Database> | Transaction<Database>,
  ): Promise<void>;
}

export interface LeadImportServiceDeps {
  db: Kysely<Database>;
  imports: ImportRepository;
  auditLog: ImportAuditLog;
  queue: JobQueue;
  /** Where uploads are spooled until the job has read them (data dir or os.tmpdir()). */
  spoolDir: string;
  /** Region for numbers without `+` when the upload names none (config; usually 'US'). */
  defaultRegion: CountryCode;
  /** Largest accepted file, bytes. */
  maxUploadBytes: number;
}

export interface StartImportInput {
  campaignId: string;
  /** The CSV, already spooled with {@link LeadImportService.spool}; deleted if the start fails. */
  upload: SpooledUpload;
  fileName: string | null;
  /** `{ "<our column>": "<their header>" }` as an object or JSON text. */
  mapping?: unknown;
  listName?: string | undefined;
  defaultRegion?: string | undefined;
  actor: { actorKeyId: string | null; actorRole: string | null };
}

/**
 * Accepts lead-list uploads: spools the CSV to disk (streamed, size-capped), records the queued
 * import, its lead list and an audit entry in one transaction, and enqueues the `imports` job.
 *
 * @example
 * ```ts
 * const upload = await service.spool(request.body);
 * const { importId } = await service.start({ campaignId, upload, fileName: 'may.csv', actor });
 * const view = await service.get(importId, { offset: 0, limit: 100 });
 * ```
 */
export class LeadImportService {
  readonly #deps: LeadImportServiceDeps;

  constructor(deps: LeadImportServiceDeps) {
    this.#deps = deps;
  }

  campaignExists(campaignId: string): Promise<boolean> {
    return this.#deps.imports.campaignExists(campaignId);
  }

  /** Throws VALIDATION_FAILED naming the field for a bad mapping, region or list name. */
  validateOptions(input: Pick<StartImportInput, 'mapping' | 'defaultRegion' | 'listName'>): void {
    parseColumnMapping(input.mapping);
    if (input.defaultRegion !== undefined && !isSupportedCountry(input.defaultRegion)) {
      throw new PacerError('VALIDATION_FAILED', `unknown region '${input.defaultRegion}'`, {
        issues: [{ field: 'defaultRegion', reason: 'must be an ISO 3166-1 alpha-2 region libphonenumber knows, e.g. US' }],
      });
    }
    if (input.listName !== undefined && (input.listName.trim() === '' || input.listName.length > 200)) {
      throw new PacerError('VALIDATION_FAILED', 'invalid list name', { issues: [{ field: 'name', reason: 'must be 1-200 characters' }] });
    }
  }

  /** Streams an upload (request body or multipart file) to the spool dir, size-capped. */
  spool(source: Readable): Promise<SpooledUpload> {
    return spoolUpload(source, this.#deps.spoolDir, this.#deps.maxUploadBytes);
  }

  /** Deletes a spooled upload that will not be imported. */
  async discard(upload: SpooledUpload): Promise<void> {
    await rm(upload.path, { force: true });
  }

  async start(input: StartImportInput): Promise<{ importId: string; leadListId: string; status: 'queued' }> {
    const d = this.#deps;
    const { upload } = input;
    try {
      this.validateOptions(input);
      const mapping = parseColumnMapping(input.mapping);
      const region = input.defaultRegion ?? d.defaultRegion;
      const listName = input.listName?.trim() ?? input.fileName ?? `import ${new Date().toISOString()}`;
      const created = await d.db.transaction().execute(async (trx) => {
        const ids = await d.imports.create(
          { campaignId: input.campaignId, listName, fileName: input.fileName, mapping, defaultRegion: region, uploadPath: upload.path, bytesTotal: upload.bytes, createdBy: input.actor.actorKeyId },
          trx,
        );
        await d.auditLog.record(
          {
            ...input.actor,
            action: 'import.create',
            entityType: 'import',
            entityId: ids.importId,
            before: null,
            after: { campaignId: input.campaignId, leadListId: ids.leadListId, listName, fileName: input.fileName, bytes: upload.bytes, mapping, defaultRegion: region },
          },
          trx,
        );
        return ids;
      });
      try {
        await d.queue.add<ImportJobData>(IMPORT_QUEUE, IMPORT_JOB, { importId: created.importId }, { jobId: created.importId });
      } catch (err) {
        const error = new PacerError('QUEUE_UNAVAILABLE', 'the import could not be queued', { cause: err });
        await d.imports.markFailed(created.importId, { code: error.code, message: error.message, issues: [], bytesRead: 0, rowsTotal: 0 });
        throw error;
      }
      return { ...created, status: 'queued' };
    } catch (err) {
      await rm(upload.path, { force: true });
      throw err;
    }
  }

  /**
   * Re-enqueues imports left queued or running (a crash between commit and enqueue, or a worker
   * that died mid-import). Idempotent: the job id is the import id. Call once at startup (all
   * campaigns) or for one campaign.
   */
  async requeueUnfinished(filter: { campaignId?: string } = {}): Promise<number> {
    const ids = await this.#deps.imports.unfinishedIds(filter);
    for (const importId of ids) {
      await this.#deps.queue.add<ImportJobData>(IMPORT_QUEUE, IMPORT_JOB, { importId }, { jobId: importId });
    }
    return ids.length;
  }

  async get(importId: string, page: { offset: number; limit: number }): Promise<(ImportView & { errors: ImportIssuePage }) | undefined> {
    const view = await this.#deps.imports.find(importId);
    if (view === undefined) return undefined;
    return { ...view, errors: await this.#deps.imports.issues(importId, page) };
  }
}
