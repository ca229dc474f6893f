import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { buildApp } from '../../../src/adapters/http/app.ts';
import { createServices } from '../../../src/app/create-services.ts';
import { registerComplianceFeature } from '../../../src/app/register-compliance-feature.ts';
import type { Role } from '../../../src/domain/auth/role.ts';
import { ManualClock } from '../../../src/domain/ports/clock.ts';
import type { CallOutcome } from '../../../src/adapters/db/database.ts';
import { InProcessJobQueue } from '../../../src/adapters/queue/in-process-job-queue.ts';

export interface ComplianceApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  clock: ManualClock;
  queue: InProcessJobQueue;
  keys: Record<Role, string>;
  get(url: string, options?: { role?: Role | null; accept?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The real app over the test database with the compliance feature registered and a manual clock. */
export async function createComplianceApp(nowMs: number, options: { recordingsDir?: string } = {}): Promise<ComplianceApp> {
  const database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
  const services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  const clock = new ManualClock(nowMs);
  const queue = new InProcessJobQueue();
  const exportDir = await mkdtemp(join(tmpdir(), 'pacer-exports-'));
  const app = await buildApp({ services, readinessChecks: [], registerFeatures: async (v1) => { await registerComplianceFeature(v1, { db: database.db, clock, backgroundExports: { jobQueue: queue, dir: exportDir }, ...(options.recordingsDir === undefined ? {} : { recordingsDir: options.recordingsDir }) }); } });
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'manager', 'agent', 'compliance'] as const) {
    keys[role] = (await services.apiKeys.create({ role, name: unique(`test-${role}`), ...(role === 'agent' ? { agentId: (await database.db.insertInto('agents').values({ name: 'key agent' }).returning('id').executeTakeFirstOrThrow()).id } : {}) }, { actorKeyId: null, actorRole: 'system' })).secret;
  }
  return {
    app,
    database,
    clock,
    queue,
    keys,
    get(url, options = {}) {
      const role = options.role === undefined ? 'compliance' : options.role;
      const headers: Record<string, string> = {};
      if (role !== null) headers.authorization = `Bearer ${keys[role]}`;
      if (options.accept !== undefined) headers.accept = options.accept;
      return app.inject({ method: 'GET', url, headers });
    },
    async close() {
      await app.close();
      await queue.close();
      await database.close();
      await rm(exportDir, { recursive: true, force: true });
    },
  };
}

export interface SeedCall {
  originatedAtMs: number;
  outcome: CallOutcome;
  phone?: string;
  abandoned?: boolean;
  messagePlayed?: boolean;
  amdResult?: 'human' | 'machine' | 'unknown' | null;
  /** Offsets from originatedAtMs. */
  answeredAfterMs?: number;
  greetingEndedAfterMs?: number;
  agentConnectedAfterMs?: number;
  endedAfterMs?: number;
  agent?: boolean;
  disposition?: string;
}

export interface Seeded {
  campaignId: string;
  campaignName: string;
  agentId: string;
  leadIds: string[];
  attemptIds: string[];
}

/** A campaign, a lead list, one agent and one lead + call_attempts row per call, inserted directly. */
export async function seedCampaignCalls(database: DatabaseHandle, calls: readonly SeedCall[], createdAtMs?: number): Promise<Seeded> {
  const db = database.db;
  const campaignName = unique('compliance');
  const campaign = await db.insertInto('campaigns').values({
    name: campaignName, dial_mode: 'predictive', caller_id: '+12025550100',
    ...(createdAtMs !== undefined ? { created_at: new Date(createdAtMs) } : {}),
  }).returning('id').executeTakeFirstOrThrow();
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaign.id, name: unique('list') }).returning('id').executeTakeFirstOrThrow();
  const agent = await db.insertInto('agents').values({ name: unique('agent') }).returning('id').executeTakeFirstOrThrow();
  const leadIds: string[] = [];
  const attemptIds: string[] = [];
  const chunk = 1000;
  for (let start = 0; start < calls.length; start += chunk) {
    const part = calls.slice(start, start + chunk);
    const leads = await db.insertInto('leads').values(part.map((_, i) => ({
      campaign_id: campaign.id, lead_list_id: list.id, source_row: start + i + 1, first_name: 'Ada', last_name: `Lovelace${start + i}`,
      timezone: 'America/New_York', timezone_source: 'column' as const,
    }))).returning('id').execute();
    const at = (base: number, off: number | undefined): Date | null => (off === undefined ? null : new Date(base + off));
    const rows = await db.insertInto('call_attempts').values(part.map((c, i) => ({
      campaign_id: campaign.id,
      lead_id: leads[i]?.id ?? '0',
      phone: c.phone ?? `+1202555${String(1000 + ((start + i) % 9000)).padStart(4, '0')}`,
      caller_id: '+12025550100',
      timezone: 'America/New_York',
      local_time_at_dial: '10:00',
      dnc_lists_checked: JSON.stringify([{ id: 'internal', version: '3' }]),
      originated_at: new Date(c.originatedAtMs),
      answered_at: at(c.originatedAtMs, c.answeredAfterMs),
      greeting_ended_at: at(c.originatedAtMs, c.greetingEndedAfterMs),
      agent_connected_at: at(c.originatedAtMs, c.agentConnectedAfterMs),
      ended_at: at(c.originatedAtMs, c.endedAfterMs ?? 30_000),
      outcome: c.outcome,
      amd_result: c.amdResult ?? null,
      abandoned: c.abandoned ?? false,
      message_played: c.messagePlayed ?? false,
      agent_id: c.agent === true ? agent.id : null,
      disposition: c.disposition ?? null,
    }))).returning('id').execute();
    leadIds.push(...leads.map((l) => l.id));
    attemptIds.push(...rows.map((r) => r.id));
  }
  return { campaignId: campaign.id, campaignName, agentId: agent.id, leadIds, attemptIds };
}
