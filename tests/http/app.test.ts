import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/adapters/db/create-database.ts';
import { createQueueBackend } from '../../src/adapters/queue/create-queue-backend.ts';
import { createTestApp, json, unique, type TestApp } from './support/test-app.ts';

let t: TestApp;
const queue = createQueueBackend({ logger: { warn: () => undefined, error: () => undefined } });
beforeAll(async () => {
  t = await createTestApp({
    readinessChecks: [
      { name: 'database', check: async () => (await t.database.pool.query('SELECT 1')).rowCount === 1 },
      { name: 'queue', check: () => queue.ping() },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await queue.close();
});

describe('health', () => {
  it('reports ready when the database and the in-process queue answer', async () => {
    const res = await t.call('GET', '/readyz', { key: null });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ready', dependencies: [{ name: 'database', ok: true }, { name: 'queue', ok: true }] });
  });

  it('answers 503 naming the dead dependency', async () => {
    const dead = createDatabase({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', onPoolError: () => undefined });
    const broken = await createTestApp({
      readinessChecks: [
        { name: 'database', check: async () => (await dead.pool.query('SELECT 1')).rowCount === 1 },
        { name: 'queue', check: () => queue.ping() },
      ],
    });
    try {
      const res = await broken.call('GET', '/readyz', { key: null });
      expect(res.statusCode).toBe(503);
      const body = json<{ status: string; dependencies: { name: string; ok: boolean; error?: string }[] }>(res);
      expect(body.status).toBe('unavailable');
      expect(body.dependencies).toEqual([
        { name: 'database', ok: false, error: expect.stringContaining('unreachable') },
        { name: 'queue', ok: true },
      ]);
      expect((await broken.call('GET', '/healthz', { key: null })).statusCode).toBe(200);
    } finally {
      await broken.close();
      await dead.close();
    }
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 and the shared error body', async () => {
    const res = await t.call('GET', '/v1/nope');
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.call('POST', '/v1/campaigns', { body: '<x/>', contentType: 'application/xml' });
    expect(res.statusCode).toBe(415);
    expect(json(res)).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('names query fields in validation errors', async () => {
    const res = await t.call('GET', '/v1/campaigns?limit=0&status=lost');
    expect(res.statusCode).toBe(400);
    const fields = json<{ error: { issues: { field: string }[] } }>(res).error.issues.map((i) => i.field).sort();
    expect(fields).toEqual(['querystring.limit', 'querystring.status']);
  });

  it('hides internals of unexpected failures behind a 500 with the shared body', async () => {
    const local = await createTestApp();
    await local.database.close();
    try {
      // The key lookup needs the (now closed) database: an unexpected failure, not a 401.
      const res = await local.call('GET', '/v1/campaigns');
      expect(res.statusCode).toBe(500);
      expect(json(res)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    } finally {
      await local.app.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents every route with its security, parameters and a schema for every answer, errors included', async () => {
    const doc = json<{ paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: unknown[] }>> }>(await t.call('GET', '/docs/json', { key: null }));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = [
      'GET /healthz',
      'GET /readyz',
      'POST /v1/api-keys',
      'GET /v1/api-keys',
      'DELETE /v1/api-keys/{id}',
      'POST /v1/campaigns',
      'GET /v1/campaigns',
      'GET /v1/campaigns/{id}',
      'PATCH /v1/campaigns/{id}',
      'DELETE /v1/campaigns/{id}',
      'POST /v1/campaigns/{id}/start',
      'POST /v1/campaigns/{id}/pause',
      'POST /v1/campaigns/{id}/stop',
      'POST /v1/dnc-lists',
      'GET /v1/dnc-lists',
      'GET /v1/dnc-lists/{id}',
      'DELETE /v1/dnc-lists/{id}',
      'POST /v1/dnc-lists/{id}/numbers',
      'DELETE /v1/dnc-lists/{id}/numbers/{e164}',
      'GET /v1/dnc/check',
      'GET /v1/audit-log',
    ];
    for (const route of expected) expect(documented).toContain(route);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        expect({ route: `${method} ${path}`, has401: statuses.includes('401'), has500: statuses.includes('500') }).toEqual({ route: `${method} ${path}`, has401: true, has500: true });
      }
    }
  });

  it('serves the Swagger UI at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});

describe('audit log', () => {
  it('filters by entity and time and pages with a cursor, newest first', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const { id } = json<{ id: string }>(await t.call('POST', '/v1/campaigns', { json: { name: unique('c'), dialMode: 'predictive', callerId: '+12125550100' } }));
    for (const end of ['19:00', '18:00', '17:00']) await t.call('PATCH', `/v1/campaigns/${id}`, { json: { callingHours: { end } } });
    const url = `/v1/audit-log?entityType=campaign&entityId=${id}&since=${encodeURIComponent(since)}&limit=2`;
    const first = json<{ items: { id: string; action: string; after: { callingHours?: { end: string } } }[]; nextCursor: string | null }>(await t.call('GET', url));
    expect(first.items.map((e) => e.action)).toEqual(['campaign.update', 'campaign.update']);
    expect(first.items[0]?.after.callingHours?.end).toBe('17:00');
    expect(first.nextCursor).not.toBeNull();
    const second = json<{ items: { action: string }[]; nextCursor: string | null }>(await t.call('GET', `${url}&cursor=${first.nextCursor ?? ''}`));
    expect(second.items.map((e) => e.action)).toEqual(['campaign.update', 'campaign.create']);
    expect(second.nextCursor).toBeNull();
    const future = json<{ items: unknown[] }>(await t.call('GET', `/v1/audit-log?entityId=${id}&since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`));
    expect(future.items).toEqual([]);
  });
});
