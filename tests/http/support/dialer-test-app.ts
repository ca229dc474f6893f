import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { buildApp } from '../../../src/adapters/http/app.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { loadConfig } from '../../../src/app/config/load-config.ts';
import { createDialer, type Dialer } from '../../../src/app/create-dialer.ts';
import { createServices, type Services } from '../../../src/app/create-services.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import { dialerLifecycle } from '../../../src/app/dialer-lifecycle.ts';
import type { Role } from '../../../src/domain/auth/role.ts';
import type { Logger } from '../../../src/domain/ports/logger.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

/** 2026-07-01 15:00 UTC: 11:00 in New York, inside calling hours. */
export const IN_CALLING_HOURS_MS = Date.UTC(2026, 6, 1, 15, 0);

/** The JSON object of an `app.inject()` response. */
export const jsonBody = (res: { body: string }): Record<string, unknown> => JSON.parse(res.body) as Record<string, unknown>;

export interface DialerTestApp {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  dialer: Dialer;
  scheduler: VirtualScheduler;
  keys: Record<Role, string>;
  /** An agent-role key bound to `agentId`. */
  agentKey(agentId: string): Promise<string>;
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options?: { key?: string | null; json?: unknown }): Promise<LightMyRequestResponse>;
  /** Advances virtual time, letting the dialer's database work finish at every timer. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** The real app with the dialer (scripted simulated telephony) on a VirtualScheduler, over the test database. */
export async function createDialerTestApp(options: { startMs: number; seed?: number }): Promise<DialerTestApp> {
  const databaseUrl = inject('databaseUrl');
  const database = createDatabase({ connectionString: databaseUrl, maxConnections: 4 });
  const services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  const scheduler = new VirtualScheduler(options.startMs);
  const config = loadConfig({ env: { DATABASE_URL: databaseUrl, PACER_TELEPHONY: 'sim', PACER_SIM_AGENTS: '0' } });
  const dialer = createDialer({
    db: database.db,
    lease: new InProcessLease({ clock: scheduler }),
    eventBus: new InProcessEventBus(),
    logger: silent,
    nodeId: `node-${randomUUID()}`,
    campaigns: services.campaignRepository,
    sim: { agents: 0, speed: 1 },
    scheduler,
    // Simulated telephony on the virtual clock; every callee answers after 3 s and talks for a minute.
    telephony: new SimTelephony({ scheduler, seed: options.seed ?? 7, script: () => ({ kind: 'human', ringMs: 3_000, answerAfterMs: 3_000, amdResult: 'human', amdDecisionMs: 0, talkMs: 60_000, beepAfterMs: 0, patienceMs: 30_000 }) }),
  });
  services.campaigns.setLifecycle(dialerLifecycle(dialer, database.db, config));
  const app = await buildApp({ services, readinessChecks: [], registerFeatures: (v1) => dialer.registerRoutes(v1) });
  const system = { actorKeyId: null, actorRole: 'system' };
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'manager', 'agent', 'compliance'] as const) keys[role] = (await services.apiKeys.create({ role, name: `t-${role}-${randomUUID().slice(0, 8)}`, ...(role === 'agent' ? { agentId: (await database.db.insertInto('agents').values({ name: 'key agent' }).returning('id').executeTakeFirstOrThrow()).id } : {}) }, system)).secret;
  return {
    app, services, database, dialer, scheduler, keys,
    async agentKey(agentId) {
      return (await services.apiKeys.create({ role: 'agent', name: `t-agent-${randomUUID().slice(0, 8)}`, agentId }, system)).secret;
    },
    call(method, url, opts = {}) {
      const key = opts.key === undefined ? keys.admin : opts.key;
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (opts.json === undefined) return app.inject({ method, url, headers });
      headers['content-type'] = 'application/json';
      return app.inject({ method, url, headers, payload: JSON.stringify(opts.json) });
    },
    advance: (ms) => scheduler.advanceBy(ms, () => dialer.runtime.whenIdle()),
    async close() {
      await dialer.close();
      await app.close();
      await database.close();
    },
  };
}
