import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, unique, type TestApp } from './support/test-app.ts';

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

const create = (extra: Record<string, unknown> = {}) =>
  t.call('POST', '/v1/campaigns', { key: t.keys.manager, json: { name: unique('rec'), dialMode: 'predictive', callerId: '+12125550100', ...extra } });

describe('campaign recording setting over the API', () => {
  it('is off by default, stored and returned, patched field by field and audited', async () => {
    const created = await create();
    expect(created.statusCode, created.body).toBe(201);
    const c = json<{ id: string; recording: unknown }>(created);
    expect(c.recording).toEqual({ enabled: false, retentionDays: 90, abandonMessage: true });

    const patched = await t.call('PATCH', `/v1/campaigns/${c.id}`, { key: t.keys.manager, json: { recording: { enabled: true, retentionDays: 30 } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json(patched)).toMatchObject({ recording: { enabled: true, retentionDays: 30, abandonMessage: true } });
    expect(json(await t.call('GET', `/v1/campaigns/${c.id}`, { key: t.keys.agent }))).toMatchObject({ recording: { enabled: true, retentionDays: 30, abandonMessage: true } });

    const audit = await t.database.db.selectFrom('audit_log').select(['before', 'after', 'actor_role']).where('action', '=', 'campaign.update').where('entity_id', '=', c.id).executeTakeFirstOrThrow();
    expect(audit.actor_role).toBe('manager');
    expect((audit.before as { recording: unknown }).recording).toEqual({ enabled: false, retentionDays: 90, abandonMessage: true });
    expect((audit.after as { recording: unknown }).recording).toEqual({ enabled: true, retentionDays: 30, abandonMessage: true });
  });

  it('refuses a retention outside 1-3650 days and unknown recording fields, naming them', async () => {
    for (const retentionDays of [0, 3651]) {
      const res = await create({ recording: { enabled: true, retentionDays } });
      expect(res.statusCode).toBe(400);
      const body = json<ErrorBody>(res);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect((body.error.issues ?? []).map((i) => i.field)).toEqual(['recording.retentionDays']);
    }
    const unknown = await create({ recording: { enabled: true, stereo: true } });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(json(unknown))).toContain('recording');
    const notBool = await create({ recording: { enabled: 'yes' } });
    expect(notBool.statusCode).toBe(400);
    expect((json<ErrorBody>(notBool).error.issues ?? []).map((i) => i.field)).toEqual(['recording.enabled']);
  });
});
