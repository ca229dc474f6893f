import { sql, type Kysely, type Transaction } from 'kysely';
import type { FieldIssue } from '../../../domain/pacer-error.ts';
import type { ColumnMapping } from '../../../domain/leads/lead-column-layout.ts';
import type { Database, ImportStatus } from '../database.ts';

/** An import as the API shows it. */
export interface ImportView {
  id: string;
  campaignId: string;
  leadListId: string | null;
  status: ImportStatus;
  fileName: string | null;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsDuplicate: number;
  rowsDnc: number;
  bytesRead: number;
  bytesTotal: number | null;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What the import job needs to run an import. */
export interface ImportJobSpec {
  id: string;
  campaignId: string;
  leadListId: string;
  status: ImportStatus;
  mapping: ColumnMapping;
  defaultRegion: string | null;
  uploadPath: string | null;
}

export interface NewImport {
  campaignId: string;
  listName: string;
  fileName: string | null;
  mapping: ColumnMapping;
  defaultRegion: string;
  uploadPath: string;
  bytesTotal: number;
  createdBy: string | null;
}

export interface ImportIssuePage {
  items: { row: number; field: string | null; reason: string }[];
  /** Issues stored for this import (the importer stores the first {@link MAX_STORED_ISSUES}). */
  total: number;
}

/** The importer keeps the first this-many row issues per import; counts cover every row. */
export const MAX_STORED_ISSUES = 10_000;

/**
 * Imports and their lead lists: creation at upload, progress while the job parses, failure, and
 * reading back with the stored row issues. The atomic lead write lives in {@link ImportLeadWriter}
 * (import-lead-writer.ts).
 *
 * @example
 * ```ts
 * const imports = new ImportRepository(db);
 * const { importId } = await imports.create({ campaignId, listName: 'May leads', ... });
 * const view = await imports.find(importId); // { status: 'queued', rowsTotal: 0, ... }
 * ```
 */
export class ImportRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** True when the campaign exists and is not deleted. */
  async campaignExists(campaignId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('campaigns').select('id').where('id', '=', campaignId).where('deleted_at', 'is', null).executeTakeFirst();
    return row !== undefined;
  }

  /** Creates the queued import and its (empty) lead list in `trx`. */
  async create(input: NewImport, trx: Kysely<Database> | Transaction<Database> = this.#db): Promise<{ importId: string; leadListId: string }> {
    const imp = await trx
      .insertInto('imports')
      .values({
        campaign_id: input.campaignId,
        file_name: input.fileName,
        mapping: JSON.stringify(input.mapping),
        default_region: input.defaultRegion,
        upload_path: input.uploadPath,
        bytes_total: String(input.bytesTotal),
        created_by: input.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const list = await trx
      .insertInto('lead_lists')
      .values({ campaign_id: input.campaignId, name: input.listName, import_id: imp.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('imports').set({ lead_list_id: list.id }).where('id', '=', imp.id).execute();
    return { importId: imp.id, leadListId: list.id };
  }

  async find(importId: string): Promise<ImportView | undefined> {
    const row = await this.#db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      campaignId: row.campaign_id,
      leadListId: row.lead_list_id,
      status: row.status,
      fileName: row.file_name,
      rowsTotal: row.rows_total,
      rowsAccepted: row.rows_accepted,
      rowsRejected: row.rows_rejected,
      rowsDuplicate: row.rows_duplicate,
      rowsDnc: row.rows_dnc,
      bytesRead: Number(row.bytes_read),
      bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
      error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }

  async issues(importId: string, page: { offset: number; limit: number }): Promise<ImportIssuePage> {
    const [items, count] = await Promise.all([
      this.#db
        .selectFrom('import_errors')
        .select(['row', 'field', 'reason'])
        .where('import_id', '=', importId)
        .orderBy('row')
        .offset(page.offset)
        .limit(page.limit)
        .execute(),
      this.#db.selectFrom('import_errors').select((eb) => eb.fn.countAll<string>().as('n')).where('import_id', '=', importId).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  async jobSpec(importId: string): Promise<ImportJobSpec | undefined> {
    const row = await this.#db
      .selectFrom('imports')
      .select(['id', 'campaign_id', 'lead_list_id', 'status', 'mapping', 'default_region', 'upload_path'])
      .where('id', '=', importId)
      .executeTakeFirst();
    if (row === undefined || row.lead_list_id === null) return undefined;
    return {
      id: row.id,
      campaignId: row.campaign_id,
      leadListId: row.lead_list_id,
      status: row.status,
      mapping: row.mapping,
      defaultRegion: row.default_region,
      uploadPath: row.upload_path,
    };
  }

  /** Ids of imports still queued or running (optionally of one campaign), oldest first. */
  async unfinishedIds(filter: { campaignId?: string } = {}): Promise<string[]> {
    let query = this.#db.selectFrom('imports').select('id').where('status', 'in', ['queued', 'running']);
    if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
    const rows = await query.orderBy('created_at').execute();
    return rows.map((r) => r.id);
  }

  /** queued (or a crashed run) -> running; resets progress. False when already finished. */
  async markRunning(importId: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('imports')
      .set({ status: 'running', started_at: sql<Date>`now()`, bytes_read: '0', rows_total: 0 })
      .where('id', '=', importId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async reportProgress(importId: string, progress: { bytesRead: number; rowsTotal: number }): Promise<void> {
    await this.#db
      .updateTable('imports')
      .set({ bytes_read: String(progress.bytesRead), rows_total: progress.rowsTotal })
      .where('id', '=', importId)
      .where('status', '=', 'running')
      .execute();
  }

  /** Marks the import failed with its error and whatever row issues explain it. */
  async markFailed(importId: string, failure: { code: string; message: string; issues: readonly FieldIssue[]; bytesRead: number; rowsTotal: number }): Promise<void> {
    // PostgreSQL text cannot hold NUL: a message quoting the file must never keep the import `running`.
    const clean = (t: string): string => t.replaceAll('\u0000', '\\0');
    const message = clean(failure.message);
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('import_errors').where('import_id', '=', importId).execute();
      const issues = failure.issues.slice(0, MAX_STORED_ISSUES).map((i) => ({ ...i, field: clean(i.field), reason: clean(i.reason) }));
      if (issues.length > 0) {
        await trx
          .insertInto('import_errors')
          .values(issues.map((i) => ({ import_id: importId, row: i.row ?? 0, field: i.field, reason: i.reason })))
          .execute();
      }
      await trx
        .updateTable('imports')
        .set({
          status: 'failed',
          error_code: failure.code,
          error_message: message,
          bytes_read: String(failure.bytesRead),
          rows_total: failure.rowsTotal,
          rows_accepted: 0,
          rows_duplicate: 0,
          rows_dnc: 0,
          finished_at: sql<Date>`now()`,
        })
        .where('id', '=', importId)
        .execute();
    });
  }
}
