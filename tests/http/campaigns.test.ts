import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, seedLeads, unique, type TestApp } from './support/test-app.ts';

interface CampaignBody {
  id: string;
  status: string;
  name: string;
  [key: string]: unknown;
}
interface ErrorBody {
  error: { code: string; message: string; issues?: { field: string; reason: string }[] };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function createCampaign(extra: Record<string, unknown> = {}, key = t.keys.manager): Promise<CampaignBody> {
  const res = await t.call('POST', '/v1/campaigns', { key, json: { name: unique('camp'), dialMode: 'predictive', callerId: '+12125550100', ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return json<CampaignBody>(res);
}

function fieldsOf(res: { body: string }): string[] {
  return (json<ErrorBody>(res as never).error.issues ?? []).map((i) => i.field);
}

describe('campaign CRUD', () => {
  it('creates a campaign with documented defaults, normalizing the caller ID to E.164', async () => {
    const c = await createCampaign({ callerId: '(212) 555-0100', dialMode: 'progressive' });
    expect(c).toMatchObject({
      status: 'draft',
      dialMode: 'progressive',
      pacingPolicy: 'progressive',
      maxAbandonRate: 0.03,
      abandonRateOverride: false,
      abandonWindow: '30d',
      callerId: '+12125550100',
      callingHours: { start: '09:00', end: '20:00' },
      unknownZonePolicy: 'deny',
      ringTimeoutMs: 25000,
      amd: { enabled: true, machineAction: 'hangup' },
      dncListIds: [],
    });
    const got = await t.call('GET', `/v1/campaigns/${c.id}`, { key: t.keys.agent });
    expect(json(got)).toEqual(c);
  });

  it('lists campaigns with pagination and a status filter', async () => {
    const a = await createCampaign();
    await createCampaign();
    const page = json<{ items: CampaignBody[]; total: number; limit: number }>(await t.call('GET', '/v1/campaigns?limit=1&offset=0'));
    expect(page.items).toHaveLength(1);
    expect(page.limit).toBe(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
    await t.call('POST', `/v1/campaigns/${a.id}/stop`);
    const stopped = json<{ items: CampaignBody[] }>(await t.call('GET', '/v1/campaigns?status=stopped&limit=500'));
    expect(stopped.items.map((c) => c.id)).toContain(a.id);
    expect(stopped.items.every((c) => c.status === 'stopped')).toBe(true);
  });

  it('patches settings, re-validating the whole campaign', async () => {
    const c = await createCampaign();
    const res = await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { callingHours: { end: '19:30' }, amd: { machineAction: 'voicemail', voicemailMessage: 'vm.wav' } } });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ callingHours: { start: '09:00', end: '19:30' }, amd: { enabled: true, machineAction: 'voicemail', voicemailMessage: 'vm.wav' } });
    const bad = await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { callingHours: { start: '20:00' } } });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['callingHours']);
  });

  it('soft-deletes: 204, then 404, and the name can be reused', async () => {
    const c = await createCampaign();
    expect((await t.call('DELETE', `/v1/campaigns/${c.id}`)).statusCode).toBe(204);
    expect((await t.call('GET', `/v1/campaigns/${c.id}`)).statusCode).toBe(404);
    expect((await t.call('DELETE', `/v1/campaigns/${c.id}`)).statusCode).toBe(404);
    expect((await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { name: 'x' } })).statusCode).toBe(404);
    const row = await t.database.db.selectFrom('campaigns').select('deleted_at').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeInstanceOf(Date);
    await createCampaign({ name: c.name });
  });

  it('answers 409 naming the field for a duplicate name', async () => {
    const c = await createCampaign();
    const dup = await t.call('POST', '/v1/campaigns', { json: { name: c.name, dialMode: 'predictive', callerId: '+12125550100' } });
    expect(dup.statusCode).toBe(409);
    expect(fieldsOf(dup)).toEqual(['name']);
  });

  it('answers 404 for an unknown campaign', async () => {
    const res = await t.call('GET', '/v1/campaigns/6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c');
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('campaign validation', () => {
  it('names every missing required field and every unknown field at once', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: { bogus: 1 } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res).sort()).toEqual(['bogus', 'callerId', 'dialMode', 'name']);
  });

  it('rejects a maxAbandonRate above 3% without the admin override, and above 100% always', async () => {
    const over = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', maxAbandonRate: 0.05 } });
    expect(over.statusCode).toBe(400);
    expect(fieldsOf(over)).toEqual(['maxAbandonRate']);
    const absurd = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', maxAbandonRate: 1.5 } });
    expect(absurd.statusCode).toBe(400);
    expect(fieldsOf(absurd)).toEqual(['maxAbandonRate']);
  });

  it('lets only an admin raise the ceiling with abandonRateOverride', async () => {
    const body = { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', maxAbandonRate: 0.05, abandonRateOverride: true };
    const manager = await t.call('POST', '/v1/campaigns', { key: t.keys.manager, json: body });
    expect(manager.statusCode).toBe(403);
    expect(fieldsOf(manager)).toEqual(['abandonRateOverride']);
    const admin = await t.call('POST', '/v1/campaigns', { key: t.keys.admin, json: body });
    expect(admin.statusCode).toBe(201);
    expect(json(admin)).toMatchObject({ maxAbandonRate: 0.05, abandonRateOverride: true });
  });

  it('rejects calling hours outside the legal 08:00-21:00 window', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', callingHours: { start: '07:30', end: '21:30' } } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res).sort()).toEqual(['callingHours.end', 'callingHours.start']);
    const malformed = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', callingHours: { start: '9am' } } });
    expect(malformed.statusCode).toBe(400);
    expect(fieldsOf(malformed)).toEqual(['callingHours.start']);
  });

  it('rejects a caller ID that is not a phone number', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '12345' } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['callerId']);
  });

  it('rejects an unknown DNC list, a bad zone, a short ring timeout and a voicemail action without a message', async () => {
    const res = await t.call('POST', '/v1/campaigns', {
      json: {
        name: unique('c'),
        dialMode: 'predictive',
        callerId: '+12125550100',
        dncListIds: ['6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c'],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['dncListIds[0]']);
    const many = await t.call('POST', '/v1/campaigns', {
      json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', unknownZonePolicy: 'campaign_zone', defaultTimeZone: 'Mars/Olympus', amd: { machineAction: 'voicemail' } },
    });
    expect(many.statusCode).toBe(400);
    expect(fieldsOf(many).sort()).toEqual(['amd.voicemailMessage', 'defaultTimeZone']);
    const ring = await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100', ringTimeoutMs: 5000 } });
    expect(ring.statusCode).toBe(400);
    expect(fieldsOf(ring)).toEqual(['ringTimeoutMs']);
  });

  it('accepts campaign_zone with a valid IANA zone and attaches existing DNC lists', async () => {
    const list = json<{ id: string }>(await t.call('POST', '/v1/dnc-lists', { json: { name: unique('l'), scope: 'campaign' } }));
    const c = await createCampaign({ unknownZonePolicy: 'campaign_zone', defaultTimeZone: 'America/Chicago', dncListIds: [list.id] });
    expect(c).toMatchObject({ unknownZonePolicy: 'campaign_zone', defaultTimeZone: 'America/Chicago', dncListIds: [list.id] });
  });

  it('answers 400 naming the body for invalid JSON', async () => {
    const res = await t.call('POST', '/v1/campaigns', { body: '{"name": ', contentType: 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'body' }] } });
  });
});

describe('campaign state machine', () => {
  it('refuses to start a campaign without leads (409) and leaves it in draft', async () => {
    const c = await createCampaign();
    const res = await t.call('POST', `/v1/campaigns/${c.id}/start`);
    expect(res.statusCode).toBe(409);
    expect(json<ErrorBody>(res).error.issues?.[0]?.field).toBe('leads');
    expect(json(await t.call('GET', `/v1/campaigns/${c.id}`))).toMatchObject({ status: 'draft' });
  });

  it('goes draft -> running <-> paused -> stopped, and rejects illegal moves with the current state', async () => {
    const c = await createCampaign();
    await seedLeads(t, c.id, 3);
    expect(json(await t.call('POST', `/v1/campaigns/${c.id}/start`))).toMatchObject({ status: 'running' });
    const del = await t.call('DELETE', `/v1/campaigns/${c.id}`);
    expect(del.statusCode).toBe(409);
    expect(json(await t.call('POST', `/v1/campaigns/${c.id}/pause`))).toMatchObject({ status: 'paused' });
    const again = await t.call('POST', `/v1/campaigns/${c.id}/pause`);
    expect(again.statusCode).toBe(409);
    expect(json<ErrorBody>(again).error.message).toContain('paused');
    expect(json(await t.call('POST', `/v1/campaigns/${c.id}/start`))).toMatchObject({ status: 'running' });
    expect(json(await t.call('POST', `/v1/campaigns/${c.id}/stop`))).toMatchObject({ status: 'stopped' });
    const restart = await t.call('POST', `/v1/campaigns/${c.id}/start`);
    expect(restart.statusCode).toBe(409);
    expect(json<ErrorBody>(restart).error).toMatchObject({ code: 'CONFLICT', issues: [{ field: 'status', reason: 'current state is stopped' }] });
    expect((await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { name: unique('n') } })).statusCode).toBe(409);
  });

  it('writes an audit entry for every state change, with before and after', async () => {
    const c = await createCampaign();
    await t.call('POST', `/v1/campaigns/${c.id}/stop`);
    const log = json<{ items: { action: string; before: unknown; after: unknown; actorRole: string }[] }>(
      await t.call('GET', `/v1/audit-log?entityType=campaign&entityId=${c.id}`, { key: t.keys.compliance }),
    );
    expect(log.items.map((e) => e.action)).toEqual(['campaign.stop', 'campaign.create']);
    expect(log.items[0]).toMatchObject({ before: { status: 'draft' }, after: { status: 'stopped' }, actorRole: 'admin' });
    expect(log.items[1]).toMatchObject({ before: null, after: { id: c.id, name: c.name }, actorRole: 'manager' });
  });
});
