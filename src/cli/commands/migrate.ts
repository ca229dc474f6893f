import { openOrReport } from '../../app/open-database.ts';
import { loadCliConfig } from '../../app/config/load-cli-config.ts';

/** `pacer migrate`: applies pending migrations and exits. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: pacer migrate\n\nApplies pending database migrations (DATABASE_URL, or the embedded PostgreSQL under PACER_DATA_DIR).\n');
    return 0;
  }
  const config = loadCliConfig();
  if (config === undefined) return 78;
  const opened = await openOrReport(config, { migrate: true });
  if (opened === undefined) return 1;
  const { applied, close } = opened;
  await close();
  process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied ${applied.length} migration(s): ${applied.join(', ')}\n`);
  return 0;
}
