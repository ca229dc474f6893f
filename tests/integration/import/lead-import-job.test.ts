import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  attachDncList, createCampaign, importCsv, leadsOf, openImportFixture, phonesOf, queueImport, uniqueNational, type ImportFixture,
} from './import-fixtures.ts';
import { runLeadImport } from '../../../src/adapters/import/lead-import-job.ts';
import { ImportRepository } from '../../../src/adapters/db/repositories/import-repository.ts';

let f: ImportFixture;
beforeAll(() => {
  f = openImportFixture();
});
afterAll(async () => {
  await f.close();
});

/** Polls pg_locks until a backend waits for an advisory lock (the second import, blocked by the first). */
async function untilAnImportWaitsForTheLock(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await f.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the second import never waited for the campaign lock');
}

function fmt(national: string): string {
  return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
}

describe('lead import job (real PostgreSQL)', () => {
  it('imports a file: normalizes, resolves zones, keeps custom fields, counts every row', async () => {
    const campaignId = await createCampaign(f);
    const [a, b, c, d, e, g] = Array.from({ length: 6 }, uniqueNational) as [string, string, string, string, string, string];
    const csv = [
      'phone,phone2,first_name,last_name,email,state,zip,timezone,Plan,Agent Note',
      `${fmt(a)},+1${b},Ann,Lee,ann@example.com,NY,10001,,gold,"said ""hi"""`,
      `1-${c.slice(0, 3)}-${c.slice(3, 6)}-${c.slice(6)},,Bob,,,FL,,,silver,`,
      `${d},,Cy,,,,,America/Denver,,`,
      `+1907555${e.slice(6)},,Di,,,,,,,`,
      `12,,Bad,,,,,,,`,
      `${g},,Eve,,,TX,,,,"multi`,
      `line note"`,
    ].join('\n');
    const { importId, leadListId, outcome } = await importCsv(f, campaignId, csv);
    expect(outcome).toMatchObject({ status: 'completed' });

    const view = await f.imports.find(importId);
    expect(view).toMatchObject({ status: 'completed', rowsTotal: 6, rowsAccepted: 5, rowsRejected: 1, rowsDuplicate: 0, rowsDnc: 0, bytesRead: Buffer.byteLength(csv), error: null });
    expect(view?.startedAt).toBeInstanceOf(Date);
    expect(view?.finishedAt).toBeInstanceOf(Date);
    const issues = await f.imports.issues(importId, { offset: 0, limit: 10 });
    expect(issues).toEqual({ total: 1, items: [{ row: 5, field: 'phone', reason: expect.stringContaining("invalid phone number '12'") }] });

    const leads = await leadsOf(f, leadListId);
    expect(leads.map((l) => [l.source_row, l.first_name, l.timezone, l.timezone_source, l.timezone_candidates])).toEqual([
      [1, 'Ann', 'America/New_York', 'zip', null],
      [2, 'Bob', null, 'ambiguous', ['America/New_York', 'America/Chicago']],
      [3, 'Cy', 'America/Denver', 'column', null],
      [4, 'Di', null, 'ambiguous', expect.arrayContaining(['America/Anchorage', 'America/Adak'])],
      [6, 'Eve', null, 'ambiguous', ['America/Chicago', 'America/Denver']],
    ]);
    expect(leads[0]).toMatchObject({ last_name: 'Lee', email: 'ann@example.com', state: 'NY', zip: '10001', status: 'new', dnc_flagged: false, custom: { Plan: 'gold', 'Agent Note': 'said "hi"' } });
    expect(leads[4]?.custom).toEqual({ 'Agent Note': 'multi\nline note' });
    const phones = await phonesOf(f, campaignId);
    expect(phones.filter((p) => p.lead_id === leads[0]?.id).map((p) => [p.position, p.e164])).toEqual([[1, `+1${a}`], [2, `+1${b}`]]);
    expect(phones).toHaveLength(6);
    expect(existsSync((await f.imports.jobSpec(importId))?.uploadPath ?? '')).toBe(false);
  });

  it('zone from the number itself when nothing else locates the callee, unknown when nothing does', async () => {
    const campaignId = await createCampaign(f);
    const n = uniqueNational();
    // +800: international freephone, valid but with no geography.
    const { leadListId } = await importCsv(f, campaignId, `phone\n+1312${n.slice(3)}\n+8001${n.slice(3)}\n`);
    const leads = await leadsOf(f, leadListId);
    expect(leads.map((l) => [l.timezone, l.timezone_source, l.timezone_candidates])).toEqual([
      ['America/Chicago', 'phone', null],
      [null, 'unknown', null],
    ]);
  });

  it('stores a zone per number: its own prefix, narrowed by the ZIP only where they agree', async () => {
    const campaignId = await createCampaign(f);
    const n = uniqueNational();
    const csv = ['phone,phone2,phone3,zip', `+1212${n.slice(3)},+81312345678,+442079460000,10001`, `+1907555${n.slice(6)},,,`].join('\n');
    const { leadListId, outcome } = await importCsv(f, campaignId, csv);
    expect(outcome).toMatchObject({ status: 'completed' });
    const leads = await leadsOf(f, leadListId);
    const phones = await phonesOf(f, campaignId);
    const zonesOf = (leadId: string | undefined) => phones.filter((p) => p.lead_id === leadId).map((p) => [p.position, p.timezone, p.timezone_source, p.timezone_candidates]);
    // The lead keeps its own zone (the ZIP's); each number has its own.
    expect(leads[0]).toMatchObject({ timezone: 'America/New_York', timezone_source: 'zip' });
    expect(zonesOf(leads[0]?.id)).toEqual([
      [1, 'America/New_York', 'zip', null],
      [2, 'Asia/Tokyo', 'phone', null],
      [3, 'Europe/London', 'phone', null],
    ]);
    expect(zonesOf(leads[1]?.id)).toEqual([[1, null, 'ambiguous', expect.arrayContaining(['America/Anchorage', 'America/Adak'])]]);
  });

  it('counts duplicates within the file and against an earlier import, never inserting a number twice', async () => {
    const campaignId = await createCampaign(f);
    const [a, b, c] = [uniqueNational(), uniqueNational(), uniqueNational()];
    const first = await importCsv(f, campaignId, `phone,first_name\n${a},one\n${fmt(a)},again\n+1${b},two\n`);
    expect(await f.imports.find(first.importId)).toMatchObject({ rowsTotal: 3, rowsAccepted: 2, rowsDuplicate: 1 });

    // b is already in the campaign; row 2 keeps its new number c and drops b; a is a duplicate.
    const second = await importCsv(f, campaignId, `phone,phone2,first_name\n${b},,dup\n${b},${c},partly new\n${a},${a},dup again\n`);
    expect(await f.imports.find(second.importId)).toMatchObject({ rowsTotal: 3, rowsAccepted: 1, rowsDuplicate: 2, rowsRejected: 0 });
    const leads = await leadsOf(f, second.leadListId);
    expect(leads.map((l) => l.first_name)).toEqual(['partly new']);
    const phones = await phonesOf(f, campaignId);
    expect(phones.map((p) => p.e164).sort()).toEqual([`+1${a}`, `+1${b}`, `+1${c}`].sort());
    expect(phones.find((p) => p.e164 === `+1${c}`)?.position).toBe(1);
  });

  it('flags and counts DNC numbers from lists attached to the campaign, keeping the leads', async () => {
    const campaignId = await createCampaign(f);
    const [a, b, c, d] = [uniqueNational(), uniqueNational(), uniqueNational(), uniqueNational()];
    await attachDncList(f, campaignId, [`+1${a}`, `+1${c}`, `+1${d}`]);
    const otherCampaign = await createCampaign(f);
    await attachDncList(f, otherCampaign, [`+1${b}`]); // attached elsewhere: does not apply
    const { importId, leadListId } = await importCsv(f, campaignId, `phone,phone2\n${a},\n${b},\n${c},${d}\n${a},${d}\n`);
    const view = await f.imports.find(importId);
    expect(view).toMatchObject({ rowsAccepted: 3, rowsDnc: 2, rowsDuplicate: 1 });
    const leads = await leadsOf(f, leadListId);
    expect(leads.map((l) => [l.source_row, l.status, l.dnc_flagged])).toEqual([[1, 'dnc', true], [2, 'new', false], [3, 'dnc', true]]);
    const phones = await phonesOf(f, campaignId);
    expect(phones.filter((p) => p.dnc_flagged).map((p) => p.e164).sort()).toEqual([`+1${a}`, `+1${c}`, `+1${d}`].sort());
  });

  it('dedupes and flags chunk after chunk in file order, also the chunks parsed before the campaign and DNC numbers arrived', async () => {
    const campaignId = await createCampaign(f);
    const numbers = Array.from({ length: 12 }, () => uniqueNational());
    const n = (i: number): string => numbers[i] ?? '';
    await importCsv(f, campaignId, `phone\n${n(0)}\n${n(1)}\n`);
    await attachDncList(f, campaignId, [`+1${n(2)}`, `+1${n(5)}`]);
    // Chunks of two rows: the whole file is parsed (and its chunks flushed) in one go, while the
    // campaign's and the DNC list's numbers are still being read.
    const rows = [n(0), n(2), n(3), n(4), n(3), n(5), n(6), n(1), n(7), n(6), n(8), n(9)];
    const ids = await queueImport(f, campaignId, `phone,first_name\n${rows.map((p, i) => `${p},r${i + 1}`).join('\n')}\n`);
    const outcome = await runLeadImport(ids.importId, { ...f.deps, chunkRows: 2 });
    expect(outcome).toMatchObject({ status: 'completed', counts: { rowsAccepted: 8, rowsDuplicate: 4, rowsDnc: 2 } });
    const leads = await leadsOf(f, ids.leadListId);
    expect(leads.map((l) => [l.first_name, l.status])).toEqual([
      ['r2', 'dnc'], ['r3', 'new'], ['r4', 'new'], ['r6', 'dnc'], ['r7', 'new'], ['r9', 'new'], ['r11', 'new'], ['r12', 'new'],
    ]);
    // Lead ids follow the file, so the hopper dials the list in file order.
    const leadIds = leads.map((l) => Number(l.id));
    expect(leadIds).toEqual([...leadIds].sort((x, y) => x - y));
  });

  it('marks a lead partly on DNC as flagged but still dialable', async () => {
    const campaignId = await createCampaign(f);
    const [a, b] = [uniqueNational(), uniqueNational()];
    await attachDncList(f, campaignId, [`+1${a}`]);
    const { leadListId } = await importCsv(f, campaignId, `phone,phone2\n${a},${b}\n`);
    expect((await leadsOf(f, leadListId))[0]).toMatchObject({ status: 'new', dnc_flagged: true });
  });

  it('uses the column mapping and the import region', async () => {
    const campaignId = await createCampaign(f);
    const { importId, leadListId } = await importCsv(f, campaignId, 'Mobile,Vorname\n020 7946 0958,Jo\n', { mapping: { phone: 'Mobile', first_name: 'Vorname' }, defaultRegion: 'GB' });
    expect(await f.imports.find(importId)).toMatchObject({ status: 'completed', rowsAccepted: 1 });
    expect((await leadsOf(f, leadListId))[0]).toMatchObject({ first_name: 'Jo', timezone: 'Europe/London', timezone_source: 'phone' });
    expect((await phonesOf(f, campaignId))[0]?.e164).toBe('+442079460958');
  });

  it('rejects rows with bytes that are not UTF-8, naming row and column, and imports the rest', async () => {
    const campaignId = await createCampaign(f);
    const [a, b] = [uniqueNational(), uniqueNational()];
    const csv = Buffer.concat([Buffer.from(`phone,first_name\n${a},Jos`), Buffer.from([0xe9]), Buffer.from(`\n${b},Ok\n`)]);
    const { importId } = await importCsv(f, campaignId, csv);
    expect(await f.imports.find(importId)).toMatchObject({ status: 'completed', rowsAccepted: 1, rowsRejected: 1 });
    expect((await f.imports.issues(importId, { offset: 0, limit: 10 })).items).toEqual([{ row: 1, field: 'first_name', reason: expect.stringContaining('not valid UTF-8') }]);
  });

  const failures: [string, string | Buffer, RegExp][] = [
    ['a wrong delimiter', 'phone;first_name\n2125550100;Ann\n', /^no 'phone' column; found header 'phone;first_name' — is the delimiter ';'\?$/],
    ['broken quoting', `phone,first_name\n${uniqueNational()},"Ann\n${uniqueNational()},Bob\n`, /quoted field starting in row 1 is never closed/],
    ['a stray quote', `phone,first_name\n${uniqueNational()},Ann\n${uniqueNational()},"Bo"b\n`, /broken quoting in row 2 \(line 3\)/],
    ['a 10 MB line', `phone,notes\n${uniqueNational()},ok\n${uniqueNational()},${'x'.repeat(10 * 1024 * 1024)}\n`, /row 2 \(line 3\) is longer than the 1048576-byte limit/],
    ['an empty file', '', /^empty file$/],
    ['a header without rows', 'phone,first_name\n', /header but no data rows/],
    ['a UTF-16 file', Buffer.from(`\ufeffphone,first_name\n${uniqueNational()},Ann\n`, 'utf16le'), /UTF-16/],
    ['a UTF-16 file without a BOM', Buffer.from(`phone,first_name\n${uniqueNational()},Ann\n`, 'utf16le'), /UTF-16/],
    ['NUL bytes in the header', Buffer.from(`ph\u0000one,first_name\n${uniqueNational()},Ann\n`), /NUL/],
  ];
  it.each(failures)('fails the import on %s with a clear error and leaves no leads', async (_case, csv, message) => {
    const campaignId = await createCampaign(f);
    const { importId, leadListId, outcome } = await importCsv(f, campaignId, csv);
    expect(outcome.status).toBe('failed');
    const view = await f.imports.find(importId);
    expect(view?.status).toBe('failed');
    expect(view?.error?.code).toBe('IMPORT_FAILED');
    expect(view?.error?.message).toMatch(message);
    expect(view?.finishedAt).toBeInstanceOf(Date);
    expect(view?.rowsAccepted).toBe(0);
    expect((await f.imports.issues(importId, { offset: 0, limit: 5 })).items[0]?.reason).toMatch(message);
    expect(await leadsOf(f, leadListId)).toEqual([]);
    expect(await phonesOf(f, campaignId)).toEqual([]);
  });

  it('stores a failure whose message quotes NUL bytes (never left running)', async () => {
    const campaignId = await createCampaign(f);
    const { importId } = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n`);
    await f.imports.markFailed(importId, { code: 'IMPORT_FAILED', message: 'bad \u0000 byte', issues: [{ field: 'x\u0000', reason: 'nul \u0000', row: 1 }], bytesRead: 0, rowsTotal: 0 });
    expect(await f.imports.find(importId)).toMatchObject({ status: 'failed', error: { message: 'bad \\0 byte' } });
  });

  it('rolls back every lead already written when the file breaks late', async () => {
    const campaignId = await createCampaign(f);
    const rows = Array.from({ length: 30 }, () => uniqueNational());
    // 30 good rows (flushed to Postgres in chunks of 10), then an unclosed quote.
    const csv = `phone\n${rows.join('\n')}\n"${uniqueNational()}\n`;
    const ids = await queueImport(f, campaignId, csv);
    const outcome = await runLeadImport(ids.importId, { ...f.deps, chunkRows: 10 });
    expect(outcome.status).toBe('failed');
    expect(await leadsOf(f, ids.leadListId)).toEqual([]);
    expect(await phonesOf(f, campaignId)).toEqual([]);
  });

  it('runs a queued import once: a second run of a finished import is skipped', async () => {
    const campaignId = await createCampaign(f);
    const { importId, leadListId } = await importCsv(f, campaignId, `phone\n${uniqueNational()}\n`);
    expect(await runLeadImport(importId, f.deps)).toMatchObject({ status: 'skipped' });
    expect(await leadsOf(f, leadListId)).toHaveLength(1);
  });

  it('reports progress (bytes read, rows so far) while parsing', async () => {
    class RecordingRepository extends ImportRepository {
      readonly reports: { bytesRead: number; rowsTotal: number }[] = [];
      /** PostgreSQL's clock while the import runs. */
      lastReportAt = new Date(0);
      override async reportProgress(importId: string, progress: { bytesRead: number; rowsTotal: number }): Promise<void> {
        this.reports.push({ ...progress });
        const { rows } = await f.database.pool.query<{ at: Date }>('SELECT clock_timestamp() AS at');
        this.lastReportAt = rows[0]?.at ?? this.lastReportAt;
        await super.reportProgress(importId, progress);
      }
    }
    const imports = new RecordingRepository(f.database.db);
    const campaignId = await createCampaign(f);
    const csv = `phone\n${Array.from({ length: 2500 }, () => uniqueNational()).join('\n')}\n`;
    const ids = await queueImport(f, campaignId, csv);
    await runLeadImport(ids.importId, { ...f.deps, imports, progressIntervalMs: 0 });
    expect(imports.reports.map((r) => r.rowsTotal)).toEqual([1000, 2000]);
    expect(imports.reports[0]?.bytesRead).toBeGreaterThan(0);
    expect(await f.imports.find(ids.importId)).toMatchObject({ status: 'completed', rowsTotal: 2500, bytesRead: Buffer.byteLength(csv) });
    // Finished when it committed, not when its transaction began.
    expect((await f.imports.find(ids.importId))?.finishedAt?.getTime()).toBeGreaterThan(imports.lastReportAt.getTime());
  });

  it('fails clearly when the spooled file is gone', async () => {
    const campaignId = await createCampaign(f);
    const ids = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n`);
    const spec = await f.imports.jobSpec(ids.importId);
    await rm(spec?.uploadPath ?? '', { force: true });
    const outcome = await runLeadImport(ids.importId, f.deps);
    expect(outcome.status).toBe('failed');
    expect((await f.imports.find(ids.importId))?.error).toEqual({ code: 'IMPORT_FAILED', message: expect.stringContaining('no longer in the spool directory') });
  });

  it('reads a UTF-8 BOM and CRLF line endings (Excel exports)', async () => {
    const campaignId = await createCampaign(f);
    const [a, b] = [uniqueNational(), uniqueNational()];
    const { importId, leadListId } = await importCsv(f, campaignId, `\uFEFFphone,first_name\r\n${a},Zoë\r\n${b},Ann\r\n`);
    expect(await f.imports.find(importId)).toMatchObject({ status: 'completed', rowsAccepted: 2 });
    expect((await leadsOf(f, leadListId)).map((l) => l.first_name)).toEqual(['Zoë', 'Ann']);
  });

  it('serializes imports into one campaign: a second import waits for the first and counts its numbers as duplicates', async () => {
    const campaignId = await createCampaign(f);
    const numbers = Array.from({ length: 3000 }, () => uniqueNational());
    const second = await queueImport(f, campaignId, `phone\n${numbers.slice(2000).join('\n')}\n${uniqueNational()}\n`);
    let secondRun: ReturnType<typeof runLeadImport> | undefined;
    let secondStatusMidway: string | undefined;
    class SecondImportStarter extends ImportRepository {
      override async reportProgress(importId: string, progress: { bytesRead: number; rowsTotal: number }): Promise<void> {
        if (secondRun === undefined) {
          // The first import holds the campaign's lock with 1,000 rows written: start the second one now.
          secondRun = runLeadImport(second.importId, { ...f.deps, progressIntervalMs: 0, chunkRows: 100 });
          await untilAnImportWaitsForTheLock();
          secondStatusMidway = (await f.imports.find(second.importId))?.status;
        }
        await super.reportProgress(importId, progress);
      }
    }
    const first = await queueImport(f, campaignId, `phone\n${numbers.join('\n')}\n`);
    const outcome = await runLeadImport(first.importId, { ...f.deps, imports: new SecondImportStarter(f.database.db), progressIntervalMs: 0, chunkRows: 100 });
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(secondStatusMidway).toBe('running');
    expect(await secondRun).toMatchObject({ status: 'completed' });
    expect(await f.imports.find(second.importId)).toMatchObject({ rowsTotal: 1001, rowsAccepted: 1, rowsDuplicate: 1000 });
    const phones = (await phonesOf(f, campaignId)).map((p) => p.e164);
    expect(phones).toHaveLength(3001);
    expect(new Set(phones).size).toBe(3001);
  });
});
