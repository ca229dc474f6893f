import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Migration, type MigrationProvider } from 'kysely';

/**
 * Feeds Kysely's Migrator from plain `NNNN_name.sql` files. Each file runs as one statement batch
 * inside the Migrator's transaction. Migrations only go forward: a `down` is not provided.
 */
export class SqlMigrationProvider implements MigrationProvider {
  readonly #folder: string;

  constructor(folder: string) {
    this.#folder = folder;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.#folder)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.#folder, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        async up(db) {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}
