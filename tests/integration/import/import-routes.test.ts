import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../../src/adapters/http/app.ts';
import importRoutes from '../../../src/adapters/http/routes/imports.ts';
import { LeadImportService } from '../../../src/adapters/import/lead-import-service.ts';
import { runLeadImport } from '../../../src/adapters/import/lead-import-job.ts';
import { createPackagedTimeZoneLookups } from '../../../src/adapters/import/packaged-time-zone-lookups.ts';
import { createServices, type Services } from '../../../src/app/create-services.ts';
import { InProcessJobQueue } from '../../../src/adapters/queue/in-process-job-queue.ts';
import { createCampaign, leadsOf, openImportFixture, spoolDir, uniqueNational, type ImportFixture } from './import-fixtures.ts';

let f: ImportFixture;
let app: FastifyInstance;
let services: Services;
// No worker is registered: queued jobs stay waiting and the tests run the job themselves.
const queue = new InProcessJobQueue();
const keys: Record<string, string> = {};
// Jobs left queued here are never run: their spooled files go with this directory.
const routeSpoolDir = join(spoolDir, `routes-${randomUUID()}`);

beforeAll(async () => {
  f = openImportFixture();
  services = createServices({ db: f.database.db, pool: f.database.pool, defaultRegion: 'US' });
  const imports = new LeadImportService({
    db: f.database.db, imports: f.imports, auditLog: services.auditLog, queue, spoolDir: routeSpoolDir, defaultRegion: 'US', maxUploadBytes: 64 * 1024,
  });
  app = await buildApp({
    services,
    readinessChecks: [],
    maxUploadBytes: 64 * 1024,
    registerFeatures: async (v1) => {
      await v1.register(importRoutes, { imports, maxUploadBytes: 64 * 1024 });
    },
  });
  for (const role of ['admin', 'manager', 'agent', 'compliance'] as const) {
    keys[role] = (await services.apiKeys.create({ role, name: `import-test-${role}-${randomUUID()}`, ...(role === 'agent' ? { agentId: (await f.database.db.insertInto('agents').values({ name: 'key agent' }).returning('id').executeTakeFirstOrThrow()).id } : {}) }, { actorKeyId: null, actorRole: 'system' })).secret;
  }
});
afterAll(async () => {
  await app.close();
  await queue.close();
  await f.close();
  await rm(routeSpoolDir, { recursive: true, force: true });
});

function post(campaignId: string, body: string | Buffer, options: { role?: string; contentType?: string; query?: string } = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/v1/campaigns/${campaignId}/leads${options.query ?? ''}`,
    headers: { authorization: `Bearer ${keys[options.role ?? 'manager'] ?? ''}`, 'content-type': options.contentType ?? 'text/csv' },
    payload: body,
  });
}

function get(importId: string, role = 'compliance', query = ''): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `/v1/imports/${importId}${query}`, headers: { authorization: `Bearer ${keys[role] ?? ''}` } });
}

function multipart(parts: { name: string; value: string; filename?: string }[]): { body: Buffer; contentType: string } {
  const boundary = `----pacer${randomUUID()}`;
  const chunks = parts.map((p) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n` +
    `${p.filename === undefined ? '' : 'Content-Type: text/csv\r\n'}\r\n${p.value}\r\n`,
  );
  return { body: Buffer.from(`${chunks.join('')}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /v1/campaigns/{id}/leads and GET /v1/imports/{id}', () => {
  it('accepts a text/csv body, queues the job, audits, and reports the finished import', async () => {
    const campaignId = await createCampaign(f);
    const [a, b] = [uniqueNational(), uniqueNational()];
    const res = await post(campaignId, `phone,first_name\n${a},Ann\n${b},Bob\nxx,Bad\n`, { query: '?name=May%20leads' });
    expect(res.statusCode).toBe(202);
    const accepted = res.json<{ importId: string; leadListId: string; status: string }>();
    expect(accepted.status).toBe('queued');
    expect(await queue.getJob('imports', accepted.importId)).toMatchObject({ id: accepted.importId, name: 'import', data: { importId: accepted.importId }, state: 'waiting' });

    const queued = await get(accepted.importId);
    expect(queued.statusCode).toBe(200);
    expect(queued.json()).toMatchObject({ id: accepted.importId, campaignId, leadListId: accepted.leadListId, status: 'queued', rowsTotal: 0, bytesTotal: expect.any(Number), errors: [], errorsTotal: 0 });

    await runLeadImport(accepted.importId, { imports: f.imports, pool: f.database.pool, dncListIdsFor: async () => [], timeZoneLookups: createPackagedTimeZoneLookups(), defaultRegion: 'US' });
    const done = (await get(accepted.importId, 'manager')).json<Record<string, unknown>>();
    expect(done).toMatchObject({ status: 'completed', rowsTotal: 3, rowsAccepted: 2, rowsRejected: 1, rowsDuplicate: 0, rowsDnc: 0, errorsTotal: 1 });
    expect(done.errors).toEqual([{ row: 3, field: 'phone', reason: expect.stringContaining("invalid phone number 'xx'") }]);
    expect(done.bytesRead).toBe(done.bytesTotal);
    expect(done.error).toBeUndefined();

    const list = await f.database.db.selectFrom('lead_lists').selectAll().where('id', '=', accepted.leadListId).executeTakeFirstOrThrow();
    expect(list.name).toBe('May leads');
    const audit = await f.database.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'import').where('entity_id', '=', accepted.importId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'import.create', actor_role: 'manager' });
  });

  it('accepts a multipart file with mapping and name fields', async () => {
    const campaignId = await createCampaign(f);
    const form = multipart([
      { name: 'mapping', value: '{"phone":"Mobile"}' },
      { name: 'file', filename: 'may.csv', value: `Mobile,Plan\n${uniqueNational()},gold\n` },
      { name: 'name', value: 'From the form' },
    ]);
    const res = await post(campaignId, form.body, { contentType: form.contentType });
    expect(res.statusCode).toBe(202);
    const { importId, leadListId } = res.json<{ importId: string; leadListId: string }>();
    const spec = await f.imports.jobSpec(importId);
    expect(spec?.mapping).toEqual({ phone: 'Mobile' });
    const list = await f.database.db.selectFrom('lead_lists').select('name').where('id', '=', leadListId).executeTakeFirstOrThrow();
    expect(list.name).toBe('From the form');
    expect((await get(importId)).json()).toMatchObject({ fileName: 'may.csv', status: 'queued' });
  });

  it('answers 404 for an unknown campaign and an unknown import', async () => {
    const missing = await post(randomUUID(), 'phone\n2125550100\n');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await get(randomUUID())).statusCode).toBe(404);
  });

  it('answers 400 naming the field for a bad mapping, region, or a missing file, and queues nothing', async () => {
    const campaignId = await createCampaign(f);
    const badMapping = await post(campaignId, 'phone\n2125550100\n', { query: `?mapping=${encodeURIComponent('{"fone":"x"}')}` });
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'mapping.fone' }] } });
    const badRegion = await post(campaignId, 'phone\n2125550100\n', { query: '?defaultRegion=ZZ' });
    expect(badRegion.statusCode).toBe(400);
    expect(badRegion.json()).toMatchObject({ error: { issues: [{ field: 'defaultRegion' }] } });
    const noFile = multipart([{ name: 'name', value: 'x' }]);
    const missingFile = await post(campaignId, noFile.body, { contentType: noFile.contentType });
    expect(missingFile.statusCode).toBe(400);
    expect(missingFile.json()).toMatchObject({ error: { issues: [{ field: 'file' }] } });
    const lateBadMapping = multipart([{ name: 'file', filename: 'a.csv', value: 'phone\n2125550100\n' }, { name: 'mapping', value: '[' }]);
    expect((await post(campaignId, lateBadMapping.body, { contentType: lateBadMapping.contentType })).statusCode).toBe(400);
    expect(await f.database.db.selectFrom('imports').select('id').where('campaign_id', '=', campaignId).execute()).toEqual([]);
  });

  it('rejects a file over the size limit without creating an import', async () => {
    const campaignId = await createCampaign(f);
    const big = `phone\n${'2125550100\n'.repeat(7000)}`;
    const res = await post(campaignId, big);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { issues: [{ field: 'file' }] } });
    expect(await f.database.db.selectFrom('imports').select('id').where('campaign_id', '=', campaignId).execute()).toEqual([]);
  });

  it('answers an over-limit upload on a real socket with 400, not a reset', async () => {
    const campaignId = await createCampaign(f);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/v1/campaigns/${campaignId}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.manager ?? ''}`, 'content-type': 'text/csv' },
      body: `phone\n${'2125550100\n'.repeat(20_000)}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'file' }] } });
  });

  it('lets only managers and admins upload, and compliance read', async () => {
    const campaignId = await createCampaign(f);
    expect((await post(campaignId, 'phone\n2125550100\n', { role: 'agent' })).statusCode).toBe(403);
    expect((await post(campaignId, 'phone\n2125550100\n', { role: 'compliance' })).statusCode).toBe(403);
    const ok = await post(campaignId, `phone\n${uniqueNational()}\n`, { role: 'admin' });
    expect(ok.statusCode).toBe(202);
    const { importId } = ok.json<{ importId: string }>();
    expect((await get(importId, 'agent')).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: `/v1/imports/${importId}` });
    expect(anonymous.statusCode).toBe(401);
    expect(await leadsOf(f, ok.json<{ leadListId: string }>().leadListId)).toEqual([]);
  });
});
