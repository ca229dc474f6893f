import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// bigint (int8) and numeric arrive as strings; timestamps as Date (pg defaults).

/**
 * Time limits that keep a lost or frozen PostgreSQL from hanging callers forever:
 * - `connectionTimeoutMs` (5 s): the longest wait for a new connection (or a free pool slot);
 * - `statementTimeoutMs` (30 s): the server cancels a statement running longer (`statement_timeout`);
 * - `queryTimeoutMs` (35 s): the client gives up on an answer that never comes (a frozen server
 *   answers nothing, not even the cancel), a little after the server-side limit.
 * The longest statements of the runtime are COPY chunks and exports, well under 30 s each.
 */
export const DATABASE_TIMEOUTS = Object.freeze({ connectionTimeoutMs: 5_000, statementTimeoutMs: 30_000, queryTimeoutMs: 35_000 });

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  connectionString: string;
  maxConnections?: number;
  /**
   * Receives pool-level errors and errors of checked-out clients (a server restart or fast
   * shutdown, a dropped connection); never throws. Without it they are still handled (never an
   * unhandled `'error'` event) but not reported.
   */
  onPoolError?: (err: Error) => void;
  /** Overrides of {@link DATABASE_TIMEOUTS}. */
  timeouts?: Partial<typeof DATABASE_TIMEOUTS>;
}

/**
 * Opens a pg pool and a Kysely instance over it. Every client the pool creates gets an `'error'`
 * listener (pg emits `'error'` on a checked-out client whose connection dies, which would otherwise
 * crash the process), and statements are bounded by {@link DATABASE_TIMEOUTS}.
 *
 * @example
 * ```ts
 * const { db, close } = createDatabase({ connectionString: 'postgres://127.0.0.1/pacer' });
 * const campaigns = await db.selectFrom('campaigns').selectAll().execute();
 * await close();
 * ```
 */
export function createDatabase(options: CreateDatabaseOptions): DatabaseHandle {
  const timeouts = { ...DATABASE_TIMEOUTS, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: timeouts.connectionTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs,
  });
  const report = (err: Error): void => options.onPoolError?.(err);
  // Idle clients: the pool re-emits their errors here; without a listener that crashes the process.
  pool.on('error', report);
  // Checked-out clients (queries, transactions, COPY, LISTEN): pg emits on the client itself.
  pool.on('connect', (client) => {
    client.on('error', report);
  });
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
