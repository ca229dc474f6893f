import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createComplianceApp, seedCampaignCalls, type ComplianceApp, type Seeded } from './support/compliance-app.ts';
import { waitFor } from '../contract/wait-for.ts';

const T0 = Date.parse('2026-02-10T15:00:00Z');

let t: ComplianceApp;
let s: Seeded;

beforeAll(async () => {
  t = await createComplianceApp(T0 + 86_400_000);
  s = await seedCampaignCalls(t.database, Array.from({ length: 2_500 }, (_, i) => ({ originatedAtMs: T0 + i * 1000, outcome: i % 2 === 0 ? 'human' as const : 'busy' as const })));
});
afterAll(async () => t.close());

const post = (body: unknown, role: 'admin' | 'compliance' | 'manager' = 'compliance') =>
  t.app.inject({ method: 'POST', url: '/v1/exports', headers: { authorization: `Bearer ${t.keys[role]}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('background exports', () => {
  it('runs an export as a job, reports progress, then serves the file', async () => {
    const created = await post({ kind: 'call_records', format: 'csv', campaignId: s.campaignId, outcome: 'human' });
    expect(created.statusCode).toBe(202);
    const { id } = JSON.parse(created.body) as { id: string };
    const done = await waitFor(async () => {
      const res = await t.get(`/v1/exports/${id}`);
      const body = JSON.parse(res.body) as { status: string; rowsWritten: number; downloadUrl: string | null };
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    }, 'export to finish', 30_000);
    expect(done).toMatchObject({ status: 'completed', rowsWritten: 1250, downloadUrl: `/v1/exports/${id}/download` });
    const file = await t.get(`/v1/exports/${id}/download`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(file.body, { columns: true }) as { outcome: string; campaignId: string }[];
    expect(rows).toHaveLength(1250);
    expect(rows.every((r) => r.outcome === 'human' && r.campaignId === s.campaignId)).toBe(true);
  });

  it('refuses to download an unfinished or unknown export, and bad requests, naming the field', async () => {
    expect((await t.get('/v1/exports/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await t.get('/v1/exports/00000000-0000-4000-8000-000000000000/download')).statusCode).toBe(404);
    const wrongFilter = await post({ kind: 'dial_decisions', outcome: 'human' });
    expect(wrongFilter.statusCode).toBe(400);
    expect((JSON.parse(wrongFilter.body) as { error: { issues: { field: string }[] } }).error.issues[0]?.field).toBe('outcome');
    const unknownCampaign = await post({ kind: 'call_records', campaignId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownCampaign.statusCode).toBe(404);
    expect((await post({ kind: 'call_records' }, 'manager')).statusCode).toBe(403);
  });
});
