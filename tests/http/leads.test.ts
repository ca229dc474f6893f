import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type TestApp } from './support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const body = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

/** A campaign with `n` leads (statuses cycling new / scheduled / callback), two numbers each, and one attempt on the first lead. */
async function seed(n: number): Promise<{ campaignId: string; leadIds: string[]; phones: string[] }> {
  const created = await t.call('POST', '/v1/campaigns', { key: t.keys.manager, json: { name: unique('leads'), dialMode: 'predictive', callerId: '+12125550100' } });
  const campaignId = String(body(created).id);
  const { db } = t.database;
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  const statuses = ['new', 'scheduled', 'callback'] as const;
  const rows = await db.insertInto('leads').values(Array.from({ length: n }, (_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 2, first_name: `Ana${i}`, timezone: 'America/Sao_Paulo', timezone_source: 'phone' as const, status: statuses[i % 3] ?? 'new' }))).returning('id').execute();
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const phones = rows.map((_, i) => `+55119${String(base + i).padStart(8, '0')}`);
  await db.insertInto('lead_phones').values(rows.flatMap((r, i) => [
    { lead_id: r.id, position: 1, campaign_id: campaignId, e164: phones[i] ?? '' },
    { lead_id: r.id, position: 2, campaign_id: campaignId, e164: `+55819${String(base + i).padStart(8, '0')}`, timezone: 'America/Recife', timezone_source: 'phone' as const },
  ])).execute();
  const first = rows[0]?.id ?? '';
  await db.insertInto('call_attempts').values({ id: randomUUID(), campaign_id: campaignId, lead_id: first, phone: phones[0] ?? '', caller_id: '+12125550100', outcome: 'no_answer', originated_at: new Date(), ended_at: new Date(), timezone: 'America/Sao_Paulo', local_time_at_dial: '10:15' }).execute();
  return { campaignId, leadIds: rows.map((r) => r.id), phones };
}

describe('leads: list, open, count', () => {
  it('lists a campaign by pages with every number and its zone, filters by status and by number in any spelling', async () => {
    const { campaignId, leadIds, phones } = await seed(7);
    const first = await t.call('GET', `/v1/campaigns/${campaignId}/leads?limit=3`, { key: t.keys.manager });
    expect(first.statusCode).toBe(200);
    const p1 = body(first) as { items: { id: string; phones: { e164: string; timezone: string | null; timezoneSource: string | null }[] }[]; next: string | null };
    expect(p1.items.map((l) => l.id)).toEqual(leadIds.slice(0, 3));
    expect(p1.items[0]?.phones).toMatchObject([{ position: 1, e164: phones[0], timezone: null, timezoneSource: null }, { position: 2, timezone: 'America/Recife', timezoneSource: 'phone' }]);
    const seen = [...p1.items.map((l) => l.id)];
    let next = p1.next;
    while (next !== null) {
      const page = body(await t.call('GET', `/v1/campaigns/${campaignId}/leads?limit=3&after=${next}`, { key: t.keys.compliance })) as typeof p1;
      seen.push(...page.items.map((l) => l.id));
      next = page.next;
    }
    expect(seen).toEqual(leadIds);

    const callbacks = body(await t.call('GET', `/v1/campaigns/${campaignId}/leads?status=callback`)) as typeof p1;
    expect(callbacks.items.map((l) => l.id)).toEqual([leadIds[2], leadIds[5]]);
    const national = (phones[4] ?? '').replace('+55', '');
    const byPhone = body(await t.call('GET', `/v1/campaigns/${campaignId}/leads?phone=${encodeURIComponent(`+55 (${national.slice(0, 2)}) ${national.slice(2)}`)}`)) as typeof p1;
    expect(byPhone.items.map((l) => l.id)).toEqual([leadIds[4]]);
  });

  it('opens one lead with its attempt history, and counts by status', async () => {
    const { campaignId, leadIds } = await seed(4);
    const res = await t.call('GET', `/v1/leads/${leadIds[0]}`, { key: t.keys.compliance });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ lead: { id: leadIds[0], firstName: 'Ana0', status: 'new', timezone: 'America/Sao_Paulo' }, attempts: [{ outcome: 'no_answer', localTimeAtDial: '10:15', timezone: 'America/Sao_Paulo' }] });
    const counts = body(await t.call('GET', `/v1/campaigns/${campaignId}/lead-counts`, { key: t.keys.manager }));
    expect(counts).toMatchObject({ campaignId, total: 4, byStatus: { new: 2, scheduled: 1, callback: 1, done: 0, exhausted: 0 } });
  });

  it('refuses bad input by field, unknown ids with 404, and agents with 403', async () => {
    const { campaignId } = await seed(1);
    const bad = await t.call('GET', `/v1/campaigns/${campaignId}/leads?phone=12&limit=0`);
    expect(bad.statusCode).toBe(400);
    expect(body(bad)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const badPhone = await t.call('GET', `/v1/campaigns/${campaignId}/leads?phone=${encodeURIComponent('+55 20 1234')}`);
    expect(badPhone.statusCode).toBe(400);
    expect(body(badPhone)).toMatchObject({ error: { issues: [{ field: 'phone' }] } });
    expect((await t.call('GET', `/v1/campaigns/${campaignId}/leads?status=sleeping`)).statusCode).toBe(400);
    expect((await t.call('GET', `/v1/campaigns/${campaignId}/leads?after=abc`)).statusCode).toBe(400);
    expect((await t.call('GET', `/v1/campaigns/${randomUUID()}/leads`)).statusCode).toBe(404);
    expect((await t.call('GET', '/v1/leads/999999999999')).statusCode).toBe(404);
    expect((await t.call('GET', `/v1/campaigns/${campaignId}/leads`, { key: t.keys.agent })).statusCode).toBe(403);
    expect((await t.call('GET', `/v1/campaigns/${campaignId}/lead-counts`, { key: t.keys.agent })).statusCode).toBe(403);
  });
});
