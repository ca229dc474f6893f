import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_DNC_LIST_ID } from '../../src/domain/dnc/dnc-list.ts';
import { createTestApp, json, unique, type TestApp } from './support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A random valid US number (NYC 212-555-01xx style numbers are reserved; use a random real-format one). */
function randomNumber(): string {
  const line = Math.floor(Math.random() * 9000 + 1000);
  const exchange = Math.floor(Math.random() * 700 + 200);
  return `+1312${exchange}${line}`;
}

async function createList(scope: 'global' | 'campaign'): Promise<{ id: string; version: number }> {
  const res = await t.call('POST', '/v1/dnc-lists', { key: t.keys.manager, json: { name: unique('dnc'), scope } });
  expect(res.statusCode).toBe(201);
  return json(res);
}

async function check(phone: string, campaignId?: string): Promise<{ blocked: boolean; lists: { id: string }[] }> {
  const q = `phone=${encodeURIComponent(phone)}${campaignId === undefined ? '' : `&campaignId=${campaignId}`}`;
  const res = await t.call('GET', `/v1/dnc/check?${q}`, { key: t.keys.agent });
  expect(res.statusCode).toBe(200);
  return json(res);
}

describe('DNC lists', () => {
  it('lists the internal list and new lists', async () => {
    const list = await createList('global');
    const all = json<{ items: { id: string; internal: boolean; entries: number }[] }>(await t.call('GET', '/v1/dnc-lists'));
    expect(all.items.find((l) => l.id === INTERNAL_DNC_LIST_ID)).toMatchObject({ internal: true });
    expect(all.items.find((l) => l.id === list.id)).toMatchObject({ internal: false, entries: 0 });
    expect((await t.call('DELETE', `/v1/dnc-lists/${INTERNAL_DNC_LIST_ID}`)).statusCode).toBe(409);
  });

  it('adds a JSON array: normalizes to E.164, counts duplicates, reports bad rows, bumps the version', async () => {
    const list = await createList('global');
    const n = randomNumber();
    const local = n.slice(2); // same number without +1
    const res = await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: [n, 'garbage', local, randomNumber()] });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ added: 2, duplicates: 1, rejected: 1, errors: [{ row: 2, field: 'phone', reason: expect.any(String) }] });
    const after = json<{ version: number; entries: number }>(await t.call('GET', `/v1/dnc-lists/${list.id}`));
    expect(after).toMatchObject({ version: list.version + 1, entries: 2 });
    expect(await check(local)).toMatchObject({ blocked: true, lists: [{ id: list.id }] });
  });

  it("lists a list's numbers in pages, E.164 order, for managers and compliance but not agents", async () => {
    const list = await createList('campaign');
    const numbers = [...new Set(Array.from({ length: 7 }, () => randomNumber()))];
    expect((await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: numbers })).statusCode).toBe(200);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const url: string = `/v1/dnc-lists/${list.id}/numbers?limit=3${next === null ? '' : `&after=${encodeURIComponent(next)}`}`;
      const res = await t.call('GET', url, { key: t.keys.compliance });
      expect(res.statusCode).toBe(200);
      const page = json<{ items: { e164: string; addedAt: string }[]; next: string | null }>(res);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((i) => i.e164));
      next = page.next;
    } while (next !== null);
    expect(seen).toEqual([...numbers].sort());
    expect((await t.call('GET', `/v1/dnc-lists/${list.id}/numbers`, { key: t.keys.agent })).statusCode).toBe(403);
    expect((await t.call('GET', `/v1/dnc-lists/${list.id}/numbers?after=12`)).statusCode).toBe(400);
    expect((await t.call('GET', '/v1/dnc-lists/00000000-0000-0000-0000-0000000000ff/numbers')).statusCode).toBe(404);
  });

  it('adds a CSV with a phone column, row numbers in errors, streaming the body', async () => {
    const list = await createList('global');
    const [a, b] = [randomNumber(), randomNumber()];
    const csv = `name,phone\nAnn,${a}\nBob,not-a-number\n"Cy, Jr",${b}\n`;
    const res = await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { body: csv, contentType: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ added: 2, duplicates: 0, rejected: 1, errors: [{ row: 2, field: 'phone' }] });
    expect((await check(b)).blocked).toBe(true);
  });

  it('reads the first column of a header-less CSV', async () => {
    const list = await createList('global');
    const a = randomNumber();
    const res = await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { body: `${a},x\n${randomNumber()}\n`, contentType: 'text/csv' });
    expect(json(res)).toMatchObject({ added: 2, rejected: 0 });
    expect((await check(a)).blocked).toBe(true);
  });

  it('adds nothing from a malformed CSV and says where it broke', async () => {
    const list = await createList('global');
    const a = randomNumber();
    const res = await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { body: `phone\n${a}\n"unterminated\n`, contentType: 'text/csv' });
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'body' }] } });
    expect((await check(a)).blocked).toBe(false);
    expect(json(await t.call('GET', `/v1/dnc-lists/${list.id}`))).toMatchObject({ entries: 0, version: list.version });
  });

  it('refuses an upload over the size limit, adding nothing', async () => {
    const small = await createTestApp({ maxUploadBytes: 64 });
    try {
      const list = json<{ id: string }>(await small.call('POST', '/v1/dnc-lists', { json: { name: unique('dnc'), scope: 'global' } }));
      const numbers = Array.from({ length: 10 }, () => randomNumber());
      const csv = await small.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { body: `phone\n${numbers.join('\n')}\n`, contentType: 'text/csv' });
      expect(csv.statusCode).toBe(400);
      expect(json(csv)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'body' }] } });
      const array = await small.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: numbers });
      expect(array.statusCode).toBe(413);
      expect(json(await small.call('GET', `/v1/dnc-lists/${list.id}`))).toMatchObject({ entries: 0 });
      expect((await check(numbers[0] ?? '')).blocked).toBe(false);
    } finally {
      await small.close();
    }
  });

  it('rejects an empty array, a non-array body and an unknown list', async () => {
    const list = await createList('global');
    expect((await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: [] })).statusCode).toBe(400);
    expect((await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: { phone: '+13125550100' } })).statusCode).toBe(400);
    expect((await t.call('POST', '/v1/dnc-lists/6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c/numbers', { json: ['+13125550100'] })).statusCode).toBe(404);
  });

  it('removes a number (then 404), bumping the version', async () => {
    const list = await createList('global');
    const a = randomNumber();
    await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: [a] });
    const path = `/v1/dnc-lists/${list.id}/numbers/${encodeURIComponent(a)}`;
    // Compliance and admin only, and only with a reason.
    expect((await t.call('DELETE', `${path}?reason=consent%20given`, { key: t.keys.manager })).statusCode).toBe(403);
    const noReason = await t.call('DELETE', path, { key: t.keys.compliance });
    expect(noReason.statusCode).toBe(400);
    expect(json(noReason)).toMatchObject({ error: { issues: [{ field: 'querystring.reason' }] } });
    expect((await check(a)).blocked).toBe(true);
    const del = await t.call('DELETE', `${path}?reason=consent%20given%20in%20writing`, { key: t.keys.compliance });
    expect(del.statusCode).toBe(204);
    expect((await check(a)).blocked).toBe(false);
    expect(json(await t.call('GET', `/v1/dnc-lists/${list.id}`))).toMatchObject({ version: list.version + 2 });
    expect((await t.call('DELETE', `${path}?reason=again`)).statusCode).toBe(404);
  });

  it('applies campaign-scope lists only to the campaigns they are attached to', async () => {
    const scoped = await createList('campaign');
    const a = randomNumber();
    await t.call('POST', `/v1/dnc-lists/${scoped.id}/numbers`, { json: [a] });
    const attached = json<{ id: string }>(await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', dncListIds: [scoped.id] } }));
    const other = json<{ id: string }>(await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100' } }));
    expect(await check(a, attached.id)).toMatchObject({ blocked: true, lists: [{ id: scoped.id }] });
    expect(await check(a, other.id)).toMatchObject({ blocked: false, lists: [] });
    expect((await check(a)).blocked).toBe(false);

    const applying = await t.services.dncRepository.listIdsApplyingToCampaign(attached.id);
    expect(applying).toContain(INTERNAL_DNC_LIST_ID);
    expect(applying).toContain(scoped.id);
    expect(await t.services.dncRepository.listIdsApplyingToCampaign(other.id)).not.toContain(scoped.id);
  });

  it('always applies the internal list and global lists', async () => {
    const a = randomNumber();
    await t.call('POST', `/v1/dnc-lists/${INTERNAL_DNC_LIST_ID}/numbers`, { json: [a] });
    const c = json<{ id: string }>(await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100' } }));
    expect(await check(a, c.id)).toMatchObject({ blocked: true, lists: [{ id: INTERNAL_DNC_LIST_ID }] });
  });

  it('stops applying a deleted list and detaches it', async () => {
    const list = await createList('global');
    const a = randomNumber();
    await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: [a] });
    expect((await t.call('DELETE', `/v1/dnc-lists/${list.id}`, { key: t.keys.compliance })).statusCode).toBe(204);
    expect((await check(a)).blocked).toBe(false);
    expect((await t.call('GET', `/v1/dnc-lists/${list.id}`)).statusCode).toBe(404);
  });

  it('names the phone field for a bad number and 404s an unknown campaign', async () => {
    const bad = await t.call('GET', '/v1/dnc/check?phone=nope');
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ error: { issues: [{ field: 'phone' }] } });
    expect((await t.call('GET', `/v1/dnc/check?phone=%2B13125550100&campaignId=6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c`)).statusCode).toBe(404);
  });

  it('records additions and removals in the audit log', async () => {
    const list = await createList('campaign');
    const a = randomNumber();
    await t.call('POST', `/v1/dnc-lists/${list.id}/numbers`, { json: [a, 'x'] });
    await t.call('DELETE', `/v1/dnc-lists/${list.id}/numbers/${encodeURIComponent(a)}?reason=entered%20by%20mistake`);
    const log = json<{ items: { action: string; after: unknown; before: unknown }[] }>(await t.call('GET', `/v1/audit-log?entityType=dnc_list&entityId=${list.id}`));
    expect(log.items.map((e) => e.action)).toEqual(['dnc.numbers.remove', 'dnc.numbers.add', 'dnc_list.create']);
    expect(log.items[1]?.after).toEqual({ received: 1, added: 1 });
    expect(log.items[0]?.before).toEqual({ e164: a });
    expect(log.items[0]?.after).toEqual({ removed: a, reason: 'entered by mistake' });
  });
});
