import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/adapters/db/create-database.ts';
import { createPostgresRuntimeStores } from '../../src/adapters/db/create-postgres-runtime-stores.ts';
import { AuditLogRepository } from '../../src/adapters/db/repositories/audit-log-repository.ts';
import { CampaignRepository } from '../../src/adapters/db/repositories/campaign-repository.ts';
import { migrateToLatest } from '../../src/adapters/db/migrate.ts';
import { describeRuntimeStoresContract } from './runtime-stores.contract.ts';

/**
 * A database of its own: `reclaimExpired` and `runningIds` are node-wide by design, and the suite's
 * virtual times must neither reclaim other test files' leases nor see their leads.
 */
const own = new URL(inject('databaseUrl'));
const ownName = `pacer_contract_${process.pid}_${Date.now().toString(36)}`;
const admin = new URL(own);
admin.pathname = '/postgres';
own.pathname = `/${ownName}`;

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

let handle: DatabaseHandle;
beforeAll(async () => {
  await adminQuery(`CREATE DATABASE ${ownName}`);
  handle = createDatabase({ connectionString: own.toString(), maxConnections: 6 });
  await migrateToLatest(handle.db as unknown as Kysely<unknown>);
}, 120_000);
afterAll(async () => {
  await handle.close();
  await adminQuery(`DROP DATABASE IF EXISTS ${ownName} WITH (FORCE)`);
});

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

describeRuntimeStoresContract('PostgreSQL', () => {
  const { db } = handle;
  const campaigns = new CampaignRepository(db, new AuditLogRepository(db));
  const lists = new Map<string, string>();
  return Promise.resolve({
    stores: createPostgresRuntimeStores(db, campaigns),
    async addCampaign(status, dncListIds = []) {
      const row = await db.insertInto('campaigns').values({ name: `contract-${randomUUID()}`, dial_mode: 'progressive', caller_id: '+12125550199', status }).returning('id').executeTakeFirstOrThrow();
      if (dncListIds.length > 0) await db.insertInto('campaign_dnc_lists').values(dncListIds.map((id) => ({ campaign_id: row.id, dnc_list_id: id }))).execute();
      const list = await db.insertInto('lead_lists').values({ campaign_id: row.id, name: 'contract' }).returning('id').executeTakeFirstOrThrow();
      lists.set(row.id, list.id);
      const c = await campaigns.get(row.id);
      if (c === undefined) throw new Error('campaign not stored');
      return c;
    },
    async addLead(campaignId, seed) {
      const lead = await db.insertInto('leads').values({
        campaign_id: campaignId, lead_list_id: lists.get(campaignId) ?? '', source_row: 1,
        timezone: seed.timezone ?? null, timezone_source: seed.timezoneSource ?? 'unknown',
        status: seed.status ?? 'new', next_attempt_at: seed.nextAttemptAtMs === undefined || seed.nextAttemptAtMs === null ? null : new Date(seed.nextAttemptAtMs),
        callback_agent_id: seed.callbackAgentId ?? null,
      }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('lead_phones').values(seed.phones.map((p, i) => ({
        campaign_id: campaignId, lead_id: lead.id, position: i + 1, e164: p.e164, timezone: p.timezone ?? null, timezone_source: p.timezoneSource ?? null,
      }))).execute();
      return String(lead.id);
    },
    async addDncList(scope, attachTo = []) {
      const list = await db.insertInto('dnc_lists').values({ name: `contract-${randomUUID()}`, scope }).returning('id').executeTakeFirstOrThrow();
      if (attachTo.length > 0) await db.insertInto('campaign_dnc_lists').values(attachTo.map((c) => ({ campaign_id: c, dnc_list_id: list.id }))).execute();
      return list.id;
    },
    async addDncEntry(listId, e164) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('dnc_entries').values({ dnc_list_id: listId, e164 }).execute();
        await trx.updateTable('dnc_lists').set({ version: sql`version + 1` }).where('id', '=', listId).execute();
      });
    },
    async addAgent(campaignId) {
      return (await db.insertInto('agents').values({ name: `contract-${randomUUID()}`, campaign_id: campaignId }).returning('id').executeTakeFirstOrThrow()).id;
    },
    async lead(leadId) {
      const l = await db.selectFrom('leads').selectAll().where('id', '=', leadId).executeTakeFirstOrThrow();
      const phones = await db.selectFrom('lead_phones').select(['e164', 'attempts', 'dnc_flagged']).where('campaign_id', '=', l.campaign_id).where('lead_id', '=', leadId).orderBy('position').execute();
      return {
        status: l.status, attempts: l.attempts, nextAttemptAtMs: ms(l.next_attempt_at), lastOutcome: l.last_outcome, callbackAgentId: l.callback_agent_id, leaseOwner: l.lease_owner,
        phones: phones.map((p) => ({ e164: p.e164, attempts: p.attempts, dncFlagged: p.dnc_flagged })),
      };
    },
    async attempt(id) {
      const a = await db.selectFrom('call_attempts').selectAll().where('id', '=', id).executeTakeFirst();
      return a === undefined ? undefined : {
        outcome: a.outcome, endedAtMs: ms(a.ended_at), notDialedReason: a.not_dialed_reason, answeredAtMs: ms(a.answered_at), ringingAtMs: ms(a.ringing_at),
        abandoned: a.abandoned, messagePlayed: a.message_played, disposition: a.disposition,
      };
    },
    async decisions(campaignId) {
      const rows = await db.selectFrom('dial_decisions').select(['decision', 'reason', 'attempt_id']).where('campaign_id', '=', campaignId).orderBy('seq').execute();
      return rows.map((r) => ({ decision: r.decision, reason: r.reason, attemptId: r.attempt_id }));
    },
    async auditActions(entityId) {
      return (await db.selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('at').orderBy('id').execute()).map((r) => r.action);
    },
    dispose: () => Promise.resolve(),
  });
});
