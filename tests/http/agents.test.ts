import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createDialerTestApp, IN_CALLING_HOURS_MS as START_MS, jsonBody as body, type DialerTestApp } from './support/dialer-test-app.ts';

let t: DialerTestApp;
beforeAll(async () => {
  t = await createDialerTestApp({ startMs: START_MS });
});
afterAll(() => t.close());

async function campaignWithLeads(leads: number): Promise<string> {
  const res = await t.call('POST', '/v1/campaigns', { json: { name: `agents-${randomUUID().slice(0, 8)}`, dialMode: 'progressive', callerId: '+12125550100' } });
  expect(res.statusCode).toBe(201);
  const campaignId = String(body(res).id);
  const { db } = t.database;
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaignId, name: 'l' }).returning('id').executeTakeFirstOrThrow();
  if (leads === 0) return campaignId;
  const rows = await db.insertInto('leads').values(Array.from({ length: leads }, (_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, first_name: `Ann${i}`, timezone: 'America/New_York', timezone_source: 'zip' as const }))).returning('id').execute();
  const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
  await db.insertInto('lead_phones').values(rows.map((r, i) => ({ lead_id: r.id, position: 1, campaign_id: campaignId, e164: `+1718${String(base + i).padStart(7, '0')}` }))).execute();
  return campaignId;
}

async function createAgent(campaignId?: string): Promise<string> {
  const res = await t.call('POST', '/v1/agents', { key: t.keys.manager, json: { name: 'Ann', ...(campaignId === undefined ? {} : { campaignId }) } });
  expect(res.statusCode).toBe(201);
  return String(body(res).id);
}

describe('agents CRUD', () => {
  it('creates, lists and reads agents; rejects bad input by field and wrong roles', async () => {
    const campaignId = await campaignWithLeads(0);
    const id = await createAgent(campaignId);
    const list = await t.call('GET', `/v1/agents?campaignId=${campaignId}`, { key: t.keys.compliance });
    expect(list.statusCode).toBe(200);
    expect((body(list).items as { id: string }[]).map((a) => a.id)).toEqual([id]);
    expect(body(await t.call('GET', `/v1/agents/${id}`))).toMatchObject({ id, name: 'Ann', campaignId });
    expect((await t.call('GET', `/v1/agents/${randomUUID()}`)).statusCode).toBe(404);
    const bad = await t.call('POST', '/v1/agents', { json: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(body(bad))).toContain('name');
    expect((await t.call('POST', '/v1/agents', { key: t.keys.agent, json: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/v1/agents', { key: null, json: { name: 'x' } })).statusCode).toBe(401);
  });

  it('an agent key acts only for its own agent', async () => {
    const campaignId = await campaignWithLeads(0);
    const mine = await createAgent(campaignId);
    const other = await createAgent(campaignId);
    const key = await t.agentKey(mine);
    expect((await t.call('GET', `/v1/agents/${mine}`, { key })).statusCode).toBe(200);
    expect((await t.call('GET', `/v1/agents/${other}`, { key })).statusCode).toBe(403);
    const res = await t.call('PUT', `/v1/agents/${other}/state`, { key, json: { state: 'ready' } });
    expect(res.statusCode).toBe(403);
    expect(body(res)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});

describe('agent state and dispositions on a running campaign', () => {
  it('logging out after the campaign stopped still releases the telephony leg set up while it ran', async () => {
    const campaignId = await campaignWithLeads(5);
    const agentId = await createAgent(campaignId);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    const login = vi.spyOn(t.dialer.telephony, 'agentLogin');
    const logout = vi.spyOn(t.dialer.telephony, 'agentLogout');
    try {
      expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { json: { state: 'ready' } })).statusCode).toBe(200);
      expect(login.mock.calls.map((c) => c[0].agentId)).toEqual([agentId]);
      expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
      expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { json: { state: 'logged_out' } })).statusCode).toBe(200);
      expect(logout.mock.calls.map((c) => c[0])).toContain(agentId);
    } finally {
      login.mockRestore();
      logout.mockRestore();
    }
  });

  it('moves through legal states, refuses illegal ones with 409, and takes a disposition with a callback', async () => {
    const campaignId = await campaignWithLeads(40);
    const agentId = await createAgent(campaignId);
    const otherAgent = await createAgent(campaignId);
    const key = await t.agentKey(agentId);
    const otherKey = await t.agentKey(otherAgent);
    const start = await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager });
    expect(start.statusCode).toBe(200);

    expect(body(await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'paused', reason: 'break' } }))).toEqual({ id: agentId, state: 'paused' });
    expect(body(await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'ready' } }))).toEqual({ id: agentId, state: 'ready' });
    const stored = await t.database.db.selectFrom('agents').select('state').where('id', '=', agentId).executeTakeFirstOrThrow();
    expect(stored.state).toBe('ready');
    const bad = await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'sleeping' } });
    expect(bad.statusCode).toBe(400);

    // Dial until a call is bridged to the agent: on a call, it cannot leave by itself (409).
    const runner = t.dialer.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (let i = 0; i < 600 && runner.coordinator.roster.get(agentId)?.state !== 'on_call'; i++) await t.advance(1_000);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('on_call');
    const illegal = await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'paused', reason: 'break' } });
    expect(illegal.statusCode).toBe(409);
    expect(body(illegal)).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('on_call');
    for (let i = 0; i < 120 && runner.coordinator.roster.get(agentId)?.state !== 'wrap_up'; i++) await t.advance(5_000);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('wrap_up');
    await runner.flush();
    const call = await t.database.db.selectFrom('call_attempts').select(['id', 'lead_id']).where('agent_id', '=', agentId).executeTakeFirstOrThrow();

    expect((await t.call('POST', `/v1/calls/${call.id}/disposition`, { key: otherKey, json: { code: 'SALE' } })).statusCode).toBe(403);
    expect((await t.call('POST', `/v1/calls/${randomUUID()}/disposition`, { key, json: { code: 'SALE' } })).statusCode).toBe(404);
    for (const when of [new Date(Date.UTC(2020, 0, 1)), new Date(START_MS - 60_000), new Date(START_MS + 400 * 86_400_000)]) {
      const past = await t.call('POST', `/v1/calls/${call.id}/disposition`, { key, json: { code: 'CALLBACK', callbackAt: when.toISOString() } });
      expect(past.statusCode).toBe(400);
      expect(body(past)).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ field: 'callbackAt' }] } });
    }
    const callbackAt = new Date(START_MS + 86_400_000).toISOString();
    const ok = await t.call('POST', `/v1/calls/${call.id}/disposition`, { key, json: { code: 'CALLBACK', note: 'after lunch', callbackAt } });
    expect(ok.statusCode).toBe(200);
    expect(body(ok)).toEqual({ id: call.id, disposition: 'CALLBACK' });
    const record = await t.database.db.selectFrom('call_attempts').select(['disposition', 'disposition_note', 'callback_at']).where('id', '=', call.id).executeTakeFirstOrThrow();
    expect(record).toEqual({ disposition: 'CALLBACK', disposition_note: 'after lunch', callback_at: new Date(callbackAt) });
    const lead = await t.database.db.selectFrom('leads').select(['status', 'next_attempt_at', 'callback_agent_id']).where('id', '=', call.lead_id).executeTakeFirstOrThrow();
    expect(lead).toEqual({ status: 'callback', next_attempt_at: new Date(callbackAt), callback_agent_id: agentId });
    // The disposition ended the wrap-up.
    expect(runner.coordinator.roster.get(agentId)?.state).not.toBe('wrap_up');
    // The agent sets it once; a manager may correct it, and both are in the audit log.
    const again = await t.call('POST', `/v1/calls/${call.id}/disposition`, { key, json: { code: 'SALE' } });
    expect(again.statusCode).toBe(409);
    expect((await t.call('POST', `/v1/calls/${call.id}/disposition`, { key: t.keys.manager, json: { code: 'NO_SALE' } })).statusCode).toBe(200);
    const audit = await t.database.db.selectFrom('audit_log').select(['actor_role', 'before', 'after']).where('action', '=', 'call.disposition').where('entity_id', '=', call.id).orderBy('id').execute();
    expect(audit.map((a) => [a.actor_role, (a.before as { disposition: string | null }).disposition, (a.after as { disposition: string }).disposition])).toEqual([['agent', null, 'CALLBACK'], ['manager', 'CALLBACK', 'NO_SALE']]);
    const stop = await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager });
    expect(stop.statusCode).toBe(200);
  });
});

describe('a do-not-call disposition', () => {
  it('puts the dialed number on the internal DNC list in the same transaction, audited; no callback with it', async () => {
    const campaignId = await campaignWithLeads(10);
    const agentId = await createAgent(campaignId);
    const key = await t.agentKey(agentId);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'ready' } })).statusCode).toBe(200);
    const runner = t.dialer.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (let i = 0; i < 120 && runner.coordinator.roster.get(agentId)?.state !== 'on_call'; i++) await t.advance(1_000);
    for (let i = 0; i < 120 && runner.coordinator.roster.get(agentId)?.state !== 'wrap_up'; i++) await t.advance(5_000);
    await runner.flush();
    const call = await t.database.db.selectFrom('call_attempts').select(['id', 'phone']).where('agent_id', '=', agentId).executeTakeFirstOrThrow();
    const before = await t.call('GET', `/v1/dnc/check?phone=${encodeURIComponent(call.phone)}`, { key: t.keys.manager });
    expect(body(before)).toMatchObject({ blocked: false });
    const withCallback = await t.call('POST', `/v1/calls/${call.id}/disposition`, { key, json: { code: 'DNC', callbackAt: new Date(START_MS + 86_400_000).toISOString() } });
    expect(withCallback.statusCode).toBe(400);
    expect(body(withCallback)).toMatchObject({ error: { issues: [{ field: 'callbackAt' }] } });
    expect((await t.call('POST', `/v1/calls/${call.id}/disposition`, { key, json: { code: 'dnc', note: 'asked not to be called' } })).statusCode).toBe(200);
    const after = await t.call('GET', `/v1/dnc/check?phone=${encodeURIComponent(call.phone)}`, { key: t.keys.manager });
    expect(body(after)).toMatchObject({ blocked: true });
    const audit = await t.database.db.selectFrom('audit_log').select(['after']).where('action', '=', 'call.disposition').where('entity_id', '=', call.id).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ disposition: 'dnc', addedToDnc: true });
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });
});

describe('POST /v1/calls/{id}/hangup', () => {
  it('lets the connected agent end its call (then wrap-up), refuses another agent, unknown and finished calls', async () => {
    const campaignId = await campaignWithLeads(10);
    const agentId = await createAgent(campaignId);
    const otherAgent = await createAgent(campaignId);
    const key = await t.agentKey(agentId);
    const otherKey = await t.agentKey(otherAgent);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'ready' } })).statusCode).toBe(200);
    const runner = t.dialer.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    for (let i = 0; i < 120 && runner.coordinator.roster.get(agentId)?.state !== 'on_call'; i++) await t.advance(1_000);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('on_call');
    const live = await t.database.db.selectFrom('call_attempts').select('id').where('campaign_id', '=', campaignId).where('ended_at', 'is', null).execute();
    expect(live).toHaveLength(1);
    const callId = live[0]?.id ?? '';

    expect((await t.call('POST', `/v1/calls/${callId}/hangup`, { key: otherKey })).statusCode).toBe(403);
    expect((await t.call('POST', `/v1/calls/${randomUUID()}/hangup`, { key })).statusCode).toBe(404);
    expect((await t.call('POST', `/v1/calls/${callId}/hangup`, { key: t.keys.compliance })).statusCode).toBe(403);
    const ok = await t.call('POST', `/v1/calls/${callId}/hangup`, { key });
    expect(ok.statusCode).toBe(200);
    expect(body(ok)).toEqual({ id: callId, hungUp: true });
    await t.advance(100);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('wrap_up');
    await runner.flush();
    const record = await t.database.db.selectFrom('call_attempts').select(['outcome', 'agent_id', 'ended_at']).where('id', '=', callId).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ outcome: 'human', agent_id: agentId });
    expect(record.ended_at).not.toBeNull();
    const again = await t.call('POST', `/v1/calls/${callId}/hangup`, { key: t.keys.manager });
    expect(again.statusCode).toBe(409);
    expect(body(again)).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });
});

describe('agent stream (WebSocket)', () => {
  let base = '';
  beforeAll(async () => {
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
  });
  /** Opens the stream over a real socket: the answer status when the upgrade is refused. */
  function connect(agentId: string, key: string, messages: Record<string, unknown>[] = []): Promise<{ ws: WebSocket } | { status: number }> {
    const ws = new WebSocket(`${base}/v1/agents/${agentId}/stream`, { headers: { authorization: `Bearer ${key}` } });
    // Listening before `open`: the first frame can arrive in the same chunk as the upgrade answer.
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.once('error', reject);
    });
  }
  async function open(agentId: string, key: string): Promise<{ messages: Record<string, unknown>[]; waitFor: (type: string) => Promise<Record<string, unknown>>; close: () => Promise<void> }> {
    const messages: Record<string, unknown>[] = [];
    const r = await connect(agentId, key, messages);
    if (!('ws' in r)) throw new Error(`stream refused: ${r.status}`);
    const ws = r.ws;
    /** Resolves with the first message of this type, as soon as it has arrived (no polling on time). */
    const waitFor = (type: string): Promise<Record<string, unknown>> =>
      new Promise((resolve) => {
        const check = (): boolean => {
          const m = messages.find((x) => x.type === type);
          if (m !== undefined) resolve(m);
          return m !== undefined;
        };
        if (check()) return;
        const onMessage = (): void => {
          if (check()) ws.off('message', onMessage);
        };
        ws.on('message', onMessage);
      });
    await waitFor('hello');
    return {
      messages,
      waitFor,
      close: () => new Promise<void>((resolve) => {
        r.ws.once('close', () => resolve());
        r.ws.terminate();
      }),
    };
  }
  async function until(cond: () => boolean, stepMs = 1_000, maxSteps = 600): Promise<void> {
    for (let i = 0; i < maxSteps && !cond(); i++) await t.advance(stepMs);
  }

  it('delivers state changes and a screen pop with the lead; a dropped stream pauses the agent after its call', async () => {
    const campaignId = await campaignWithLeads(40);
    const agentId = await createAgent(campaignId);
    const key = await t.agentKey(agentId);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    const runner = t.dialer.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');

    const stream = await open(agentId, key);
    expect(stream.messages[0]).toMatchObject({ type: 'hello', agent: { id: agentId } });
    expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'ready' } })).statusCode).toBe(200);
    await until(() => runner.coordinator.roster.get(agentId)?.state === 'on_call', 200, 3_000);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('on_call');
    // The bridge completes (tens of ms on the network), then the screen pop is read from the database and sent.
    await t.advance(1_000);
    const pop = (await stream.waitFor('screen-pop')) as { callId: string; lead: { id: string; firstName: string | null } };
    const states = stream.messages.filter((m) => m.type === 'state').map((m) => m.state);
    expect(states.slice(0, 3)).toEqual(['ready', 'reserved', 'on_call']);
    const call = await t.database.db.selectFrom('call_attempts').select(['lead_id']).where('id', '=', pop.callId).executeTakeFirstOrThrow();
    expect(pop.lead.id).toBe(call.lead_id);
    expect(pop.lead.firstName).toMatch(/^Ann\d+$/);

    // The stream drops: a call in progress goes on (never cut), then the agent is paused, not offered more.
    const stateAtDrop = runner.coordinator.roster.get(agentId)?.state;
    await stream.close();
    await t.advance(0);
    if (stateAtDrop === 'on_call') expect(runner.coordinator.roster.get(agentId)?.state).toBe('on_call');
    await until(() => runner.coordinator.roster.get(agentId)?.state === 'paused');
    expect(runner.coordinator.roster.get(agentId)).toMatchObject({ state: 'paused', reason: 'stream_disconnected' });
    const ended = await t.database.db.selectFrom('call_attempts').select(['outcome', 'agent_connected_at']).where('id', '=', pop.callId).executeTakeFirstOrThrow();
    expect(ended.agent_connected_at).not.toBeNull();
    // No call is bridged to the paused agent while it is away.
    const bridgedBefore = stream.messages.filter((m) => m.type === 'screen-pop').length;
    await t.advance(120_000);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('paused');
    expect(runner.coordinator.callCountsByPhase().connected ?? 0).toBe(0);
    await runner.flush();
    const afterDrop = await t.database.db.selectFrom('call_attempts').select('id').where('agent_id', '=', agentId).execute();
    expect(afterDrop.length).toBe(bridgedBefore);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });

  it('pauses a ready agent at once when its stream drops; another agent cannot open the stream', async () => {
    const campaignId = await campaignWithLeads(5);
    const agentId = await createAgent(campaignId);
    const key = await t.agentKey(agentId);
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/start`, { key: t.keys.manager })).statusCode).toBe(200);
    const runner = t.dialer.runtime.runner(campaignId);
    if (runner === undefined) throw new Error('campaign not running');
    const otherKey = await t.agentKey(await createAgent(campaignId));
    expect(await connect(agentId, otherKey)).toEqual({ status: 403 });

    const stream = await open(agentId, key);
    expect((await t.call('PUT', `/v1/agents/${agentId}/state`, { key, json: { state: 'ready' } })).statusCode).toBe(200);
    expect(runner.coordinator.roster.get(agentId)?.state).toBe('ready');
    await stream.close();
    await until(() => runner.coordinator.roster.get(agentId)?.state === 'paused', 0, 50);
    expect(runner.coordinator.roster.get(agentId)).toMatchObject({ state: 'paused', reason: 'stream_disconnected' });
    await t.dialer.runtime.whenIdle();
    const stored = await t.database.db.selectFrom('agents').select(['state', 'state_reason']).where('id', '=', agentId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ state: 'paused', state_reason: 'stream_disconnected' });
    expect((await t.call('POST', `/v1/campaigns/${campaignId}/stop`, { key: t.keys.manager })).statusCode).toBe(200);
  });
});
