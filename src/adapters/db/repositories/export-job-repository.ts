import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { CallRecordFilter } from './call-record-export-repository.ts';

type Ts = ColumnType<Date, Date | string, Date | string>;

/** `exports` (migrations/0005_exports.sql). */
export interface ExportsTable {
  id: Generated<string>;
  kind: 'call_records' | 'dial_decisions';
  format: 'csv' | 'ndjson';
  filter: ColumnType<ExportFilter, string, string>;
  status: Generated<ExportStatus>;
  rows_written: Generated<string>;
  bytes_written: Generated<string>;
  file_path: string | null;
  error_code: string | null;
  error_message: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  started_at: Ts | null;
  finished_at: Ts | null;
}

export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed';
export type ExportFilter = CallRecordFilter & { decision?: 'placed' | 'blocked' };

export interface ExportJob {
  id: string;
  kind: 'call_records' | 'dial_decisions';
  format: 'csv' | 'ndjson';
  filter: ExportFilter;
  status: ExportStatus;
  rowsWritten: number;
  bytesWritten: number;
  filePath: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * Background export jobs: created queued, run by the `exports` worker, downloaded when completed.
 *
 * @example
 * ```ts
 * const id = await jobs.create({ kind: 'call_records', format: 'csv', filter: { campaignId }, createdBy: keyId });
 * ```
 */
export class ExportJobRepository {
  readonly #db: Kysely<Database & { exports: ExportsTable }>;

  constructor(db: Kysely<Database>) {
    this.#db = db.withTables<{ exports: ExportsTable }>();
  }

  async create(e: { kind: ExportJob['kind']; format: ExportJob['format']; filter: ExportFilter; createdBy: string | null }): Promise<string> {
    const row = await this.#db.insertInto('exports').values({ kind: e.kind, format: e.format, filter: JSON.stringify(e.filter), created_by: e.createdBy }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const r = await this.#db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
    if (r === undefined) return undefined;
    return {
      id: r.id, kind: r.kind, format: r.format, filter: r.filter, status: r.status, rowsWritten: Number(r.rows_written), bytesWritten: Number(r.bytes_written),
      filePath: r.file_path, errorCode: r.error_code, errorMessage: r.error_message, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
    };
  }

  async start(id: string, filePath: string): Promise<void> {
    await this.#db.updateTable('exports').set({ status: 'running', started_at: new Date(), file_path: filePath, rows_written: '0', bytes_written: '0' }).where('id', '=', id).execute();
  }

  async progress(id: string, rowsWritten: number, bytesWritten: number): Promise<void> {
    await this.#db.updateTable('exports').set({ rows_written: String(rowsWritten), bytes_written: String(bytesWritten) }).where('id', '=', id).execute();
  }

  async finish(id: string, result: { status: 'completed' } | { status: 'failed'; errorCode: string; errorMessage: string }): Promise<void> {
    await this.#db.updateTable('exports').set({
      status: result.status, finished_at: new Date(),
      ...(result.status === 'failed' ? { error_code: result.errorCode, error_message: result.errorMessage } : {}),
    }).where('id', '=', id).execute();
  }
}
