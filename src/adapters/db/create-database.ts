import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// bigint (int8) and numeric arrive as strings; timestamps as Date (pg defaults).

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  connectionString: string;
  maxConnections?: number;
  /** Receives pool-level errors (a server restart, a dropped idle connection); never throws. */
  onPoolError?: (err: Error) => void;
}

/**
 * Opens a pg pool and a Kysely instance over it.
 *
 * @example
 * ```ts
 * const { db, close } = createDatabase({ connectionString: 'postgres://127.0.0.1/pacer' });
 * const campaigns = await db.selectFrom('campaigns').selectAll().execute();
 * await close();
 * ```
 */
export function createDatabase(options: CreateDatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // Without this listener an idle client's error (e.g. the server shutting down) crashes the process.
  pool.on('error', (err) => options.onPoolError?.(err));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
