import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { buildApp } from '../../../src/adapters/http/app.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { SystemScheduler } from '../../../src/adapters/time/system-scheduler.ts';
import { loadConfig } from '../../../src/app/config/load-config.ts';
import { createDialer, type Dialer } from '../../../src/app/create-dialer.ts';
import { createServices, type Services } from '../../../src/app/create-services.ts';
import { dialerLifecycle } from '../../../src/app/dialer-lifecycle.ts';
import { createLogger } from '../../../src/app/create-logger.ts';
import type { TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import type { LiveRig } from './live-stack.ts';


/**
 * The engine itself (services, HTTP API, dialer runtime on the wall clock) over the test database,
 * placing its calls through the live rig's real drachtio adapter. Every endpoint the runtime
 * creates is tagged with its call id (the call record's id), so a test can read FreeSWITCH's RTP
 * counters and playback events of the call a record describes.
 */
export interface LiveDialer {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  dialer: Dialer;
  adminKey: string;
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, json?: unknown): Promise<LightMyRequestResponse>;
  /**
   * After each test: stops the campaigns still running and logs out every agent, through the API,
   * so that a failed test leaves no SIP leg (nor FreeSWITCH channel) to fail the next one.
   */
  cleanup(): Promise<void>;
  /** The FreeSWITCH uuid of a call's customer leg. */
  customerLeg(callId: string): string;
  close(): Promise<void>;
}

/** The telephony port the runtime sees: the rig's adapter, with each customer endpoint tagged by call id. */
function tagging(rig: LiveRig): TelephonyPort {
  const t = rig.telephony;
  return {
    originate(request, onEvent) {
      // The adapter creates the endpoint synchronously inside originate(): tag it, then reset.
      rig.media.nextRole = request.callId;
      try {
        return t.originate(request, onEvent);
      } finally {
        rig.media.nextRole = 'customer';
      }
    },
    cancel: (callId) => t.cancel(callId),
    bridge: (callId, agentId) => t.bridge(callId, agentId),
    playPrompt: (callId, prompt) => t.playPrompt(callId, prompt),
    startRecording: (callId, options) => t.startRecording(callId, options),
    hangup: (callId) => t.hangup(callId),
    agentLogin: (agent, onLost) => t.agentLogin(agent, onLost),
    agentLogout: (agentId) => t.agentLogout(agentId),
    capacity: () => t.capacity(),
    ready: () => t.ready(),
    // The rig closes the adapter itself (and asserts the bound).
    close: () => Promise.resolve(),
  };
}

export async function startLiveDialer(rig: LiveRig): Promise<LiveDialer> {
  const databaseUrl = inject('databaseUrl');
  const database = createDatabase({ connectionString: databaseUrl, maxConnections: 6 });
  const services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  const scheduler = new SystemScheduler({ speed: 1 });
  const config = loadConfig({ env: { DATABASE_URL: databaseUrl, PACER_TELEPHONY: 'drachtio', DRACHTIO_URL: rig.env.drachtio.toString(), FREESWITCH_URL: rig.env.freeswitch.toString(), PACER_TRUNK_URI: rig.env.trunkUri } });
  const dialer = createDialer({
    db: database.db,
    lease: new InProcessLease({ clock: scheduler }),
    eventBus: new InProcessEventBus(),
    // Warnings and errors of the engine go to the test's output (a failure shows its cause).
    logger: createLogger({ level: process.env.LIVE_LOG_LEVEL ?? 'warn' }),
    nodeId: `live-${randomUUID()}`,
    campaigns: services.campaignRepository,
    sim: { agents: 0, speed: 1 },
    scheduler,
    telephony: tagging(rig),
    drainTimeoutMs: 0,
  });
  services.campaigns.setLifecycle(dialerLifecycle(dialer, database.db, config));
  const app = await buildApp({ services, readinessChecks: [], registerFeatures: (v1) => dialer.registerRoutes(v1) });
  const adminKey = (await services.apiKeys.create({ role: 'admin', name: `live-admin-${randomUUID().slice(0, 8)}` }, { actorKeyId: null, actorRole: 'system' })).secret;
  return {
    app,
    services,
    database,
    dialer,
    adminKey,
    call(method, url, json) {
      const headers: Record<string, string> = { authorization: `Bearer ${adminKey}` };
      if (json === undefined) return app.inject({ method, url, headers });
      headers['content-type'] = 'application/json';
      return app.inject({ method, url, headers, payload: JSON.stringify(json) });
    },
    customerLeg: (callId) => rig.media.uuidOf(callId),
    async cleanup() {
      const headers = { authorization: `Bearer ${adminKey}` };
      const running = await database.db.selectFrom('campaigns').select('id').where('status', '=', 'running').execute();
      for (const c of running) await app.inject({ method: 'POST', url: `/v1/campaigns/${c.id}/stop`, headers });
      const agents = await database.db.selectFrom('agents').select('id').where('state', '!=', 'logged_out').execute();
      for (const a of agents) await app.inject({ method: 'PUT', url: `/v1/agents/${a.id}/state`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ state: 'logged_out' }) });
    },
    async close() {
      await dialer.close();
      await app.close();
      await database.close();
      scheduler.cancelAll();
    },
  };
}

/** A zone where it is now between 10:00 and 18:00, so that the default calling hours are open (the test runs at any hour). */
export function daytimeZone(nowMs = Date.now()): string {
  const zones = ['America/New_York', 'America/Sao_Paulo', 'Europe/Madrid', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Auckland', 'Pacific/Honolulu', 'America/Los_Angeles', 'America/Mexico_City'];
  for (const zone of zones) {
    const hour = DateTime.fromMillis(nowMs, { zone }).hour;
    if (hour >= 10 && hour < 18) return zone;
  }
  throw new Error('no listed zone is in daytime now');
}
