import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../src/adapters/db/create-database.ts';
import { migrateToLatest } from '../../src/adapters/db/migrate.ts';

/** SQLSTATE of "terminating connection due to administrator command". */
const ADMIN_SHUTDOWN = '57P01';

/** A migrated database of its own for one benchmark run, on the local PostgreSQL. */
export interface ScratchDatabase {
  name: string;
  handle: DatabaseHandle;
  /** Closes the pool and drops the database (`keep`: leaves it for inspection). */
  dispose(options?: { keep?: boolean }): Promise<void>;
}

/**
 * Creates `<prefix>_<time>` through `adminUrl`, migrates it with the service's migrations (through
 * their own untyped Kysely, as tests/setup/global-setup.ts does) and opens a pool on it.
 *
 * @example
 * ```ts
 * const scratch = await createScratchDatabase({ adminUrl, prefix: 'pacer_bench_engine', maxConnections: 10 });
 * try { await run(scratch.handle.db); } finally { await scratch.dispose(); }
 * ```
 */
export async function createScratchDatabase(options: { adminUrl: string; prefix: string; maxConnections: number }): Promise<ScratchDatabase> {
  const name = `${options.prefix}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  let closed = false;
  const onPoolError = (e: Error): void => {
    // DROP DATABASE ... WITH (FORCE) may still find a connection the closed pool was ending: expected.
    if (closed && (e as { code?: unknown }).code === ADMIN_SHUTDOWN) return;
    console.error(e);
  };
  const handle = createDatabase({ connectionString: url.toString(), maxConnections: options.maxConnections, onPoolError });
  const dispose = async ({ keep = false }: { keep?: boolean } = {}): Promise<void> => {
    await handle.close();
    closed = true;
    if (keep) console.log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    const migrator = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
    try {
      await migrateToLatest(migrator);
    } finally {
      await migrator.destroy();
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { name, handle, dispose };
}
