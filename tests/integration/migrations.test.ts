import { describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { createDatabase } from '../../src/adapters/db/create-database.ts';
import type { Database } from '../../src/adapters/db/database.ts';
import { migrationsFolder } from '../../src/adapters/db/migrate.ts';
import { SqlMigrationProvider } from '../../src/adapters/db/sql-migration-provider.ts';

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

  it('0008 backfills a zone per number: the lead zone for number 1, and for the others only when it is not another number\'s', async () => {
    const admin = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 1 });
    const name = `pacer_mig_${randomUUID().replace(/-/g, '')}`;
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const handle = createDatabase({ connectionString: url.toString(), maxConnections: 1 });
    try {
      const migrator = new Migrator({ db: handle.db as Kysely<unknown>, provider: new SqlMigrationProvider(migrationsFolder) });
      expect((await migrator.migrateTo('0007_lead_phones_keyed_by_campaign')).error).toBeUndefined();
      const db = handle.db as Kysely<Database>;
      const campaign = await db.insertInto('campaigns').values({ name: 'm', dial_mode: 'predictive', caller_id: '+12125550199' }).returning('id').executeTakeFirstOrThrow();
      const list = await db.insertInto('lead_lists').values({ campaign_id: campaign.id, name: 'l' }).returning('id').executeTakeFirstOrThrow();
      const zones = [
        { timezone: 'America/New_York', timezone_source: 'zip', timezone_candidates: null, state: null },
        { timezone: 'America/New_York', timezone_source: 'phone', timezone_candidates: null, state: null },
        { timezone: null, timezone_source: 'ambiguous', timezone_candidates: ['America/New_York', 'America/Chicago'], state: 'FL' },
        { timezone: null, timezone_source: 'ambiguous', timezone_candidates: ['America/Adak', 'America/Anchorage'], state: null },
      ] as const;
      let n = 0;
      for (const z of zones) {
        const lead = await db.insertInto('leads').values({ campaign_id: campaign.id, lead_list_id: list.id, source_row: n + 1, ...z, timezone_candidates: z.timezone_candidates === null ? null : [...z.timezone_candidates] }).returning('id').executeTakeFirstOrThrow();
        // Columns of 0008 do not exist yet: plain SQL.
        for (const position of [1, 2]) await sql`INSERT INTO lead_phones (lead_id, position, campaign_id, e164) VALUES (${lead.id}, ${position}, ${campaign.id}, ${`+1212555${String(n++).padStart(4, '0')}`})`.execute(db);
      }
      expect((await migrator.migrateTo('0008_lead_phone_time_zones')).error).toBeUndefined();
      const phones = await db.selectFrom('lead_phones').select(['position', 'timezone', 'timezone_source', 'timezone_candidates']).where('campaign_id', '=', campaign.id).orderBy('lead_id').orderBy('position').execute();
      expect(phones.map((p) => [p.position, p.timezone, p.timezone_source, p.timezone_candidates])).toEqual([
        [1, 'America/New_York', 'zip', null], [2, 'America/New_York', 'zip', null],
        // The lead zone came from number 1's prefix: it says nothing about number 2.
        [1, 'America/New_York', 'phone', null], [2, null, 'unknown', null],
        [1, null, 'ambiguous', ['America/New_York', 'America/Chicago']], [2, null, 'ambiguous', ['America/New_York', 'America/Chicago']],
        [1, null, 'ambiguous', ['America/Adak', 'America/Anchorage']], [2, null, 'unknown', null],
      ]);
    } finally {
      await handle.close();
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin.db);
      await admin.close();
    }
  });
});
