import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDncList, createCampaign, importCsv, leadsOf, openImportFixture, phonesOf, uniqueNational, type ImportFixture } from './import-fixtures.ts';

// The same dedupe and DNC semantics when the campaign's numbers and the DNC lists are too many to
// read into memory (preloadLimit 0): the campaign's numbers are then matched once against the
// file's numbers (a first pass over the file), the DNC lists probed per chunk in PostgreSQL.
let f: ImportFixture;
beforeAll(() => {
  f = openImportFixture({ preloadLimit: 0, chunkRows: 2 });
});
afterAll(async () => {
  await f.close();
});

describe('lead import when the numbers are too many to preload (real PostgreSQL)', () => {
  it('counts duplicates within the file, across chunks and against an earlier import', async () => {
    const campaignId = await createCampaign(f);
    const [a, b, c] = [uniqueNational(), uniqueNational(), uniqueNational()];
    const first = await importCsv(f, campaignId, `phone,first_name\n${a},one\n+1${b},two\n${a},again\n`);
    expect(await f.imports.find(first.importId)).toMatchObject({ rowsTotal: 3, rowsAccepted: 2, rowsDuplicate: 1 });

    const second = await importCsv(f, campaignId, `phone,phone2,first_name\n${b},,dup\n${b},${c},partly new\n${a},${a},dup again\n${c},,dup of this file\n`);
    expect(await f.imports.find(second.importId)).toMatchObject({ rowsTotal: 4, rowsAccepted: 1, rowsDuplicate: 3, rowsRejected: 0 });
    expect((await leadsOf(f, second.leadListId)).map((l) => l.first_name)).toEqual(['partly new']);
    const phones = await phonesOf(f, campaignId);
    expect(phones.map((p) => p.e164).sort()).toEqual([`+1${a}`, `+1${b}`, `+1${c}`].sort());
  });

  it('flags DNC numbers of the lists that apply, and only those', async () => {
    const campaignId = await createCampaign(f);
    const [a, b, c, d] = [uniqueNational(), uniqueNational(), uniqueNational(), uniqueNational()];
    await attachDncList(f, campaignId, [`+1${a}`, `+1${c}`, `+1${d}`]);
    await attachDncList(f, await createCampaign(f), [`+1${b}`]);
    const { importId, leadListId } = await importCsv(f, campaignId, `phone,phone2\n${a},\n${b},\n${c},${d}\n${a},${d}\n`);
    expect(await f.imports.find(importId)).toMatchObject({ rowsAccepted: 3, rowsDnc: 2, rowsDuplicate: 1 });
    expect((await leadsOf(f, leadListId)).map((l) => [l.source_row, l.status, l.dnc_flagged])).toEqual([[1, 'dnc', true], [2, 'new', false], [3, 'dnc', true]]);
  });
});
