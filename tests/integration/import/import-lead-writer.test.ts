import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportLeadWriter } from '../../../src/adapters/db/repositories/import-lead-writer.ts';
import type { ParsedLead } from '../../../src/domain/leads/lead-record-parser.ts';
import { attachDncList, createCampaign, importCsv, INTERNAL_DNC, leadsOf, openImportFixture, queueImport, uniqueNational, type ImportFixture } from './import-fixtures.ts';

let f: ImportFixture;
beforeAll(() => {
  f = openImportFixture();
});
afterAll(async () => {
  await f.close();
});

function lead(sourceRow: number, phones: string[]): ParsedLead {
  return {
    sourceRow, firstName: `r${sourceRow}`, lastName: null, email: null, state: null, zip: null,
    timezone: 'America/New_York', timezoneSource: 'column', timezoneCandidates: null, custom: {}, phones,
  };
}

describe('ImportLeadWriter (real PostgreSQL)', () => {
  it('dedupes and flags chunks flushed before the campaign and DNC numbers arrived, in the order they were flushed', async () => {
    const campaignId = await createCampaign(f);
    const numbers = Array.from({ length: 10 }, () => `+1${uniqueNational()}`);
    const n = (i: number): string => numbers[i] ?? '';
    await importCsv(f, campaignId, `phone\n${n(0)}\n${n(1)}\n`);
    const dncListId = await attachDncList(f, campaignId, [n(2), n(5)]);
    const { importId, leadListId } = await queueImport(f, campaignId, 'phone\n');
    expect(await f.imports.markRunning(importId)).toBe(true);

    const writer = await ImportLeadWriter.open(f.deps.pool, { importId, campaignId, leadListId, dncListIds: [INTERNAL_DNC, dncListId] }, { chunkRows: 2 });
    // Added and flushed without yielding to the event loop: the numbers being read cannot have arrived.
    const rows = [[n(0)], [n(2)], [n(3)], [n(4), n(3)], [n(3)], [n(5), n(6)], [n(1)], [n(7)], [n(6)], [n(8), n(9)]];
    const flushes: Promise<void>[] = [];
    rows.forEach((phones, i) => {
      if (writer.add(lead(i + 1, phones))) flushes.push(writer.flush());
    });
    await Promise.all(flushes);
    const counts = await writer.commit({ rowsTotal: rows.length, rowsRejected: 0, bytesRead: 0, issues: [] });

    expect(counts).toEqual({ rowsAccepted: 6, rowsDuplicate: 4, rowsDnc: 2, phonesInserted: 8 });
    const leads = await leadsOf(f, leadListId);
    expect(leads.map((l) => [l.first_name, l.status, l.dnc_flagged])).toEqual([
      ['r2', 'dnc', true], ['r3', 'new', false], ['r4', 'new', false], ['r6', 'new', true], ['r8', 'new', false], ['r10', 'new', false],
    ]);
    const leadIds = leads.map((l) => Number(l.id));
    expect(leadIds).toEqual([...leadIds].sort((x, y) => x - y));
  });
});
