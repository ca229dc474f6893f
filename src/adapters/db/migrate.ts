import { fileURLToPath } from 'node:url';
import { Migrator, type Kysely } from 'kysely';
import { PacerError } from '../../domain/pacer-error.ts';
import { SqlMigrationProvider } from './sql-migration-provider.ts';

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface MigrationReport {
  applied: string[];
}

/** Applies every pending migration in `migrations/`, in order, each in its own transaction. */
export async function migrateToLatest(db: Kysely<unknown>, folder = migrationsFolder): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new SqlMigrationProvider(folder) });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) {
    const failed = (results ?? []).find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PacerError('DATABASE_UNAVAILABLE', `migration ${failed} failed`, { cause: error });
  }
  return { applied };
}
