import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/adapters/db/repositories/api-key-repository.ts';
import { createDialerTestApp, IN_CALLING_HOURS_MS as START_MS, jsonBody as body, type DialerTestApp } from './support/dialer-test-app.ts';

let t: DialerTestApp;
beforeAll(async () => {
  t = await createDialerTestApp({ startMs: START_MS });
});
afterAll(() => t.close());

async function createAgent(campaignId?: string): Promise<string> {
  const res = await t.call('POST', '/v1/agents', { key: t.keys.manager, json: { name: 'Ann', ...(campaignId === undefined ? {} : { campaignId }) } });
  expect(res.statusCode).toBe(201);
  return String(body(res).id);
}

/** A campaign with one lead and a finished call that `agentId` took. */
async function callTakenBy(agentId: string): Promise<string> {
  const res = await t.call('POST', '/v1/campaigns', { json: { name: `sec-${randomUUID().slice(0, 8)}`, dialMode: 'progressive', callerId: '+12125550100' } });
  const campaignId = String(body(res).id);
  const { db } = t.database;
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  const lead = await db.insertInto('leads').values({ campaign_id: campaignId, lead_list_id: list.id, source_row: 1, timezone: 'America/New_York', timezone_source: 'zip' }).returning('id').executeTakeFirstOrThrow();
  const call = await db
    .insertInto('call_attempts')
    .values({ campaign_id: campaignId, lead_id: lead.id, phone: '+17185550101', caller_id: '+12125550100', agent_id: agentId, outcome: 'human', ended_at: new Date(START_MS) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return call.id;
}

describe('agent-role keys', () => {
  it('cannot be created without the agent they act as (400 naming agentId)', async () => {
    const res = await t.call('POST', '/v1/api-keys', { json: { role: 'agent', name: 'no agent' } });
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'agentId' }] } });
    await expect(t.services.apiKeys.create({ role: 'agent', name: 'direct' }, { actorKeyId: null, actorRole: 'system' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const agentId = await createAgent();
    expect((await t.call('POST', '/v1/api-keys', { json: { role: 'agent', name: 'with agent', agentId } })).statusCode).toBe(201);
  });

  it('a key stored without an agent (made before this rule) may disposition no call', async () => {
    const owner = await createAgent();
    const callId = await callTakenBy(owner);
    const secret = `pk_${randomUUID().replace(/-/g, '')}`;
    await t.database.db.insertInto('api_keys').values({ name: 'legacy agent', role: 'agent', key_prefix: 'pk_legacy', key_hash: hashApiKey(secret) }).execute();
    const res = await t.call('POST', `/v1/calls/${callId}/disposition`, { key: secret, json: { code: 'SALE' } });
    expect(res.statusCode).toBe(403);
    const stored = await t.database.db.selectFrom('call_attempts').select('disposition').where('id', '=', callId).executeTakeFirstOrThrow();
    expect(stored.disposition).toBeNull();
  });

  it('an agent dispositions its own call; another agent may not; a manager may', async () => {
    const owner = await createAgent();
    const other = await createAgent();
    const callId = await callTakenBy(owner);
    expect((await t.call('POST', `/v1/calls/${callId}/disposition`, { key: await t.agentKey(other), json: { code: 'SALE' } })).statusCode).toBe(403);
    expect((await t.call('POST', `/v1/calls/${callId}/disposition`, { key: await t.agentKey(owner), json: { code: 'SALE' } })).statusCode).toBe(200);
    expect((await t.call('POST', `/v1/calls/${callId}/disposition`, { key: t.keys.manager, json: { code: 'NO_SALE' } })).statusCode).toBe(200);
  });
});

describe('input that used to answer 500', () => {
  it('rejects a NUL character in any JSON string with 400 naming the field', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: { name: 'bad\u0000name', dialMode: 'progressive', callerId: '+12125550100' } });
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'name' }] } });
    const nested = await t.call('POST', '/v1/agents', { key: t.keys.manager, json: { name: 'ok', externalRef: 'x\u0000' } });
    expect(nested.statusCode).toBe(400);
    expect(body(nested)).toMatchObject({ error: { issues: [{ field: 'externalRef' }] } });
  });

  it('rejects an unknown campaignId on POST /v1/agents naming it', async () => {
    const res = await t.call('POST', '/v1/agents', { key: t.keys.manager, json: { name: 'Ann', campaignId: randomUUID() } });
    expect([400, 404]).toContain(res.statusCode);
    expect(body(res)).toMatchObject({ error: { issues: [{ field: 'campaignId' }] } });
  });

  it.each(['offset=1e309', 'offset=1e20', 'offset=-1', 'limit=1e309', 'offset=NaN', 'offset=Infinity'])('rejects absurd pagination %s with 400', async (query) => {
    const res = await t.call('GET', `/v1/campaigns?${query}`);
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it.each(['limit=1e309', 'limit=1e20'])('rejects absurd audit-log pagination %s with 400', async (query) => {
    const res = await t.call('GET', `/v1/audit-log?${query}`);
    expect(res.statusCode).toBe(400);
  });
});
