import { describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase } from '../../src/adapters/db/create-database.ts';

describe('migrations', () => {
  it('create every table and the internal global DNC list', async () => {
    const handle = createDatabase({ connectionString: inject('databaseUrl') });
    try {
      const tables = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`.execute(handle.db);
      const names = tables.rows.map((r) => r.tablename);
      for (const t of ['campaigns', 'leads', 'lead_phones', 'dnc_lists', 'dnc_entries', 'imports', 'call_attempts', 'dial_decisions', 'audit_log', 'api_keys', 'agents']) {
        expect(names).toContain(t);
      }
      const internal = await handle.db.selectFrom('dnc_lists').selectAll().where('is_internal', '=', true).execute();
      expect(internal).toHaveLength(1);
    } finally {
      await handle.close();
      await handle.close();
    }
  });
});
