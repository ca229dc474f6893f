import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { buildApp } from '../../../src/adapters/http/app.ts';
import type { ReadinessCheck } from '../../../src/adapters/http/routes/health.ts';
import { createServices, type Services } from '../../../src/app/create-services.ts';
import type { Role } from '../../../src/domain/auth/role.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  /** A fresh API key per role (created directly through the repository). */
  keys: Record<Role, string>;
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, options?: { key?: string | null; json?: unknown; body?: string; contentType?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A unique name for parallel-safe fixtures. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The real app over the test database (`inject('databaseUrl')`), no logger. */
export async function createTestApp(options: { readinessChecks?: readonly ReadinessCheck[]; maxUploadBytes?: number } = {}): Promise<TestApp> {
  const database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
  const services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  const app = await buildApp({
    services,
    ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    readinessChecks: options.readinessChecks ?? [{ name: 'database', check: async () => (await database.pool.query('SELECT 1')).rowCount === 1 }],
  });
  const system = { actorKeyId: null, actorRole: 'system' };
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'manager', 'agent', 'compliance'] as const) {
    keys[role] = (await services.apiKeys.create({ role, name: unique(`test-${role}`), ...(role === 'agent' ? { agentId: (await database.db.insertInto('agents').values({ name: 'key agent' }).returning('id').executeTakeFirstOrThrow()).id } : {}) }, system)).secret;
  }
  return {
    app,
    services,
    database,
    keys,
    call(method, url, options = {}) {
      const key = options.key === undefined ? keys.admin : options.key;
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        return app.inject({ method, url, headers, payload: JSON.stringify(options.json) });
      }
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
      return app.inject({ method, url, headers, ...(options.body !== undefined ? { payload: options.body } : {}) });
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Parses a JSON answer body. */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

/** Adds `count` leads to a campaign directly in the database (imports are another engineer's part). */
export async function seedLeads(t: TestApp, campaignId: string, count: number): Promise<void> {
  const list = await t.database.db.insertInto('lead_lists').values({ campaign_id: campaignId, name: unique('list') }).returning('id').executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('leads')
    .values(Array.from({ length: count }, (_, i) => ({ campaign_id: campaignId, lead_list_id: list.id, source_row: i + 1, timezone: 'America/New_York', timezone_source: 'column' as const })))
    .execute();
}
