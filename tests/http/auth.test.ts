import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, unique, type TestApp } from './support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('authentication', () => {
  it('answers 401 with the shared error body without a key, with a malformed header and with an unknown key', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer pk_not-a-real-key' }]) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/campaigns', headers });
      expect(res.statusCode).toBe(401);
      expect(json(res)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('keeps /healthz and the OpenAPI document public', async () => {
    expect((await t.call('GET', '/healthz', { key: null })).statusCode).toBe(200);
    expect((await t.call('GET', '/docs/json', { key: null })).statusCode).toBe(200);
  });

  it.each([
    ['GET', '/v1/api-keys', { admin: 200, manager: 403, agent: 403, compliance: 403 }],
    ['GET', '/v1/campaigns', { admin: 200, manager: 200, agent: 200, compliance: 200 }],
    ['GET', '/v1/audit-log', { admin: 200, manager: 403, agent: 403, compliance: 200 }],
    ['GET', '/v1/dnc-lists', { admin: 200, manager: 200, agent: 200, compliance: 200 }],
  ] as const)('%s %s allows exactly the listed roles', async (method, url, expected) => {
    for (const [role, status] of Object.entries(expected)) {
      const res = await t.call(method, url, { key: t.keys[role as keyof typeof t.keys] });
      expect({ role, status: res.statusCode }).toEqual({ role, status });
      if (status === 403) expect(json(res)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('refuses campaign and DNC writes to agents', async () => {
    const campaign = await t.call('POST', '/v1/campaigns', { key: t.keys.agent, json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100' } });
    expect(campaign.statusCode).toBe(403);
    const list = await t.call('POST', '/v1/dnc-lists', { key: t.keys.agent, json: { name: 'x', scope: 'global' } });
    expect(list.statusCode).toBe(403);
  });
});

describe('API keys', () => {
  it('creates a key shown once, which then authenticates with its role', async () => {
    const name = unique('ops');
    const created = await t.call('POST', '/v1/api-keys', { json: { role: 'manager', name } });
    expect(created.statusCode).toBe(201);
    const body = json<{ id: string; key: string; role: string; name: string; keyPrefix: string }>(created);
    expect(body).toMatchObject({ role: 'manager', name });
    expect(body.key).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    expect(body.key.startsWith(body.keyPrefix)).toBe(true);

    expect((await t.call('GET', '/v1/campaigns', { key: body.key })).statusCode).toBe(200);
    expect((await t.call('GET', '/v1/api-keys', { key: body.key })).statusCode).toBe(403);

    const listed = json<{ items: Record<string, unknown>[] }>(await t.call('GET', '/v1/api-keys'));
    const entry = listed.items.find((k) => k.id === body.id);
    expect(entry).toMatchObject({ name, role: 'manager', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(body.key);
  });

  it('revokes a key: it stops working at once and is listed only with includeRevoked', async () => {
    const { id, key } = json<{ id: string; key: string }>(await t.call('POST', '/v1/api-keys', { json: { role: 'compliance', name: unique('tmp') } }));
    expect((await t.call('GET', '/v1/audit-log', { key })).statusCode).toBe(200);
    expect((await t.call('DELETE', `/v1/api-keys/${id}`)).statusCode).toBe(204);
    expect((await t.call('GET', '/v1/audit-log', { key })).statusCode).toBe(401);
    const active = json<{ items: { id: string }[] }>(await t.call('GET', '/v1/api-keys'));
    expect(active.items.map((k) => k.id)).not.toContain(id);
    const all = json<{ items: { id: string; revokedAt: string | null }[] }>(await t.call('GET', '/v1/api-keys?includeRevoked=true'));
    expect(all.items.find((k) => k.id === id)?.revokedAt).toEqual(expect.any(String));
  });

  it('answers 404 for an unknown key id and 400 naming the field for a bad one', async () => {
    expect((await t.call('DELETE', '/v1/api-keys/6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c')).statusCode).toBe(404);
    const bad = await t.call('DELETE', '/v1/api-keys/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'params.id' }] } });
  });

  it('rejects an unknown role and an unknown agent naming the field', async () => {
    const role = await t.call('POST', '/v1/api-keys', { json: { role: 'root', name: 'x' } });
    expect(role.statusCode).toBe(400);
    expect(json(role)).toMatchObject({ error: { issues: [{ field: 'role' }] } });
    const agent = await t.call('POST', '/v1/api-keys', { json: { role: 'agent', name: 'x', agentId: '6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c' } });
    expect(agent.statusCode).toBe(400);
    expect(json(agent)).toMatchObject({ error: { issues: [{ field: 'agentId' }] } });
  });

  it('bootstraps an admin key idempotently', async () => {
    const secret = `boot-${unique('admin')}-secret-value`;
    expect(await t.services.apiKeys.ensureAdminKey(secret)).toBe(true);
    expect(await t.services.apiKeys.ensureAdminKey(secret)).toBe(false);
    expect((await t.call('GET', '/v1/api-keys', { key: secret })).statusCode).toBe(200);
  });
});
