import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { ImportRepository } from '../../../src/adapters/db/repositories/import-repository.ts';
import { runLeadImport, type LeadImportJobDeps, type LeadImportOutcome } from '../../../src/adapters/import/lead-import-job.ts';
import { createPackagedTimeZoneLookups } from '../../../src/adapters/import/packaged-time-zone-lookups.ts';

export const INTERNAL_DNC = '00000000-0000-0000-0000-000000000001';
export const spoolDir = join(tmpdir(), 'pacer-import-tests');

export interface ImportFixture {
  database: DatabaseHandle;
  imports: ImportRepository;
  deps: LeadImportJobDeps;
  close(): Promise<void>;
}

/** DNC lists applying to a campaign, as the SERVER's DncRepository computes them. */
async function dncListIdsFor(database: DatabaseHandle, campaignId: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom('dnc_lists')
    .select('id')
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('scope', '=', 'global'), eb('id', 'in', eb.selectFrom('campaign_dnc_lists').select('dnc_list_id').where('campaign_id', '=', campaignId))]))
    .execute();
  return rows.map((r) => r.id);
}

export function openImportFixture(overrides: Partial<LeadImportJobDeps> = {}): ImportFixture {
  const database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
  const imports = new ImportRepository(database.db);
  const deps: LeadImportJobDeps = {
    imports,
    pool: database.pool,
    dncListIdsFor: (campaignId) => dncListIdsFor(database, campaignId),
    timeZoneLookups: createPackagedTimeZoneLookups(),
    defaultRegion: 'US',
    ...overrides,
  };
  return { database, imports, deps, close: () => database.close() };
}

export async function createCampaign(f: ImportFixture): Promise<string> {
  const row = await f.database.db
    .insertInto('campaigns')
    .values({ name: `import-test-${randomUUID()}`, dial_mode: 'predictive', caller_id: '+12125550100' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A campaign-scope DNC list attached to the campaign, holding `numbers`. */
export async function attachDncList(f: ImportFixture, campaignId: string, numbers: readonly string[]): Promise<string> {
  const list = await f.database.db.insertInto('dnc_lists').values({ name: `dnc-${randomUUID()}`, scope: 'campaign' }).returning('id').executeTakeFirstOrThrow();
  await f.database.db.insertInto('campaign_dnc_lists').values({ campaign_id: campaignId, dnc_list_id: list.id }).execute();
  if (numbers.length > 0) await f.database.db.insertInto('dnc_entries').values(numbers.map((e164) => ({ dnc_list_id: list.id, e164 }))).execute();
  return list.id;
}

let counter = 0;
/** Where this test process starts in the exchange + line number space (files run in parallel). */
const OFFSET = Math.floor(Math.random() * 8_000_000);
/**
 * A valid NANP number as 10 national digits (area codes 212/312/415/713/305/206), never the same
 * twice in one test process: the 7 digits after the area code step by 7919, which is coprime to
 * 8,000,000, so they repeat only after 8,000,000 numbers per area code.
 */
export function uniqueNational(): string {
  counter += 1;
  const npa = ['212', '312', '415', '713', '305', '206'][counter % 6] ?? '212';
  const rest = 2_000_000 + ((OFFSET + Math.floor(counter / 6) * 7919) % 8_000_000);
  return `${npa}${rest}`;
}

/** Writes `content` to a spool file and creates a queued import for it. */
export async function queueImport(
  f: ImportFixture,
  campaignId: string,
  content: string | Buffer,
  options: { mapping?: Record<string, string>; defaultRegion?: string } = {},
): Promise<{ importId: string; leadListId: string }> {
  await mkdir(spoolDir, { recursive: true });
  const path = join(spoolDir, `${randomUUID()}.csv`);
  await writeFile(path, content);
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  return f.imports.create({
    campaignId, listName: 'test list', fileName: 'leads.csv', mapping: options.mapping ?? {}, defaultRegion: options.defaultRegion ?? 'US',
    uploadPath: path, bytesTotal: bytes, createdBy: null,
  });
}

export async function importCsv(
  f: ImportFixture,
  campaignId: string,
  content: string | Buffer,
  options: { mapping?: Record<string, string>; defaultRegion?: string } = {},
): Promise<{ importId: string; leadListId: string; outcome: LeadImportOutcome }> {
  const ids = await queueImport(f, campaignId, content, options);
  return { ...ids, outcome: await runLeadImport(ids.importId, f.deps) };
}

export async function leadsOf(f: ImportFixture, leadListId: string) {
  return f.database.db.selectFrom('leads').selectAll().where('lead_list_id', '=', leadListId).orderBy('source_row').execute();
}

export async function phonesOf(f: ImportFixture, campaignId: string) {
  return f.database.db.selectFrom('lead_phones').selectAll().where('campaign_id', '=', campaignId).orderBy('lead_id').orderBy('position').execute();
}
