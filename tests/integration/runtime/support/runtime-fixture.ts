import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../../src/adapters/db/database.ts';
import { createPostgresRuntimeStores } from '../../../../src/adapters/db/create-postgres-runtime-stores.ts';
import type { CampaignStores, RuntimeStores } from '../../../../src/runtime/ports/runtime-stores.ts';
import type { Campaign } from '../../../../src/domain/campaign/campaign.ts';
import { PacerError } from '../../../../src/domain/pacer-error.ts';
import type { Logger } from '../../../../src/domain/ports/logger.ts';
import type { CallEvent, OriginateRequest, TelephonyPort } from '../../../../src/domain/ports/telephony-port.ts';

/** 2026-07-01 14:00 UTC: 10:00 in New York, inside calling hours. */
export const START_MS = Date.UTC(2026, 6, 1, 14, 0);

/** A logger that keeps warnings and errors so tests can assert on them. */
export function collectingLogger(): { logger: Logger; problems: { level: string; msg: string | undefined; obj: object }[] } {
  const problems: { level: string; msg: string | undefined; obj: object }[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => problems.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => problems.push({ level: 'error', msg, obj }),
    child: () => logger,
  };
  return { logger, problems };
}

export function campaignOf(id: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id, status: 'running', settingsVersion: 1, createdAt: new Date(START_MS), updatedAt: new Date(START_MS),
    name: 'rt', dialMode: 'progressive', pacingPolicy: 'progressive', pacingRatio: null, maxAbandonRate: 0.03, abandonRateOverride: false,
    abandonWindow: '30d', abandonTarget: null, amdFalsePositiveRate: 0, amdFalsePositiveSource: 'configured', callerId: '+12125550199', callingHours: { start: '09:00', end: '20:00' }, unknownZonePolicy: 'deny', defaultTimeZone: null,
    ringTimeoutMs: 25_000, wrapUpLimitMs: 60_000, abandonMessage: 'id.wav', amd: { enabled: false, machineAction: 'hangup' },
    retryRules: { noAnswer: { delayMs: 3_600_000, maxAttempts: 2 }, busy: { delayMs: 600_000, maxAttempts: 2 }, machine: { delayMs: 3_600_000, maxAttempts: 1 }, failed: { delayMs: 3_600_000, maxAttempts: 1 } },
    maxAttemptsPerLead: 3, dncListIds: [], recording: { enabled: false, retentionDays: 90, abandonMessage: true },
    ...overrides,
  };
}

/** Inserts a running campaign with `leads` New York leads (one phone each) and `agents` agents. */
export async function seedCampaign(db: Kysely<Database>, input: { leads: number; agents: number }): Promise<{ campaignId: string; leadIds: string[]; agentIds: string[] }> {
  const c = await db.insertInto('campaigns').values({ name: `rt-${randomUUID()}`, dial_mode: 'progressive', caller_id: '+12125550199', status: 'running' }).returning('id').executeTakeFirstOrThrow();
  const list = await db.insertInto('lead_lists').values({ campaign_id: c.id, name: 'rt' }).returning('id').executeTakeFirstOrThrow();
  const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
  const leads = await db
    .insertInto('leads')
    .values(Array.from({ length: input.leads }, (_, i) => ({ campaign_id: c.id, lead_list_id: list.id, source_row: i + 1, timezone: 'America/New_York', timezone_source: 'zip' as const })))
    .returning('id')
    .execute();
  await db.insertInto('lead_phones').values(leads.map((l, i) => ({ lead_id: l.id, position: 1, campaign_id: c.id, e164: `+1646${String(base + i).padStart(7, '0')}` }))).execute();
  const agents = input.agents === 0 ? [] : await db.insertInto('agents').values(Array.from({ length: input.agents }, (_, a) => ({ name: `rt-${a}`, campaign_id: c.id }))).returning('id').execute();
  return { campaignId: c.id, leadIds: leads.map((l) => l.id), agentIds: agents.map((a) => a.id) };
}

/** A campaign actor's stores (PostgreSQL in these tests). */
export type RuntimeRepositories = CampaignStores;

/**
 * The runtime's PostgreSQL stores, with a campaign list that knows only `campaigns` (the database
 * is shared with other test files, whose running campaigns this node must not take over).
 */
export function storesFor(db: Kysely<Database>, campaigns: readonly Campaign[]): RuntimeStores {
  const known = new Map(campaigns.map((c) => [c.id, c]));
  return createPostgresRuntimeStores(db, {
    runningIds: async () => {
      if (known.size === 0) return [];
      const rows = await db.selectFrom('campaigns').select('id').where('id', 'in', [...known.keys()]).where('status', '=', 'running').where('deleted_at', 'is', null).execute();
      return rows.map((r) => r.id);
    },
    load: (id) => Promise.resolve(known.get(id)),
  });
}

/**
 * The runner's repositories behind a switch: while `outage.down` is set every call fails as an
 * unreachable database would (`DATABASE_UNAVAILABLE`), and `outage.failedCalls` counts them.
 */
export function repositoriesWithOutage(db: Kysely<Database>): { repos: RuntimeRepositories; outage: { down: boolean; failedCalls: number } } {
  const outage = { down: false, failedCalls: 0 };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          if (outage.down) {
            outage.failedCalls++;
            return Promise.reject(new PacerError('DATABASE_UNAVAILABLE', 'connection refused (simulated outage)', { cause: new Error('ECONNREFUSED') }));
          }
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const stores = storesFor(db, []);
  return {
    outage,
    repos: {
      hopper: wrap(stores.hopper),
      dnc: wrap(stores.dnc),
      leads: wrap(stores.leads),
      attempts: wrap(stores.attempts),
      dials: wrap(stores.dials),
    },
  };
}

/**
 * A telephony port passing every call through to `inner`, telling the test about accepted originations
 * and call events as the network saw them.
 */
export function observingTelephony(
  inner: TelephonyPort,
  observe: { onOriginated?: (request: OriginateRequest) => void; onEvent?: (event: CallEvent) => void },
): TelephonyPort {
  return {
    async originate(request, onEvent) {
      const r = await inner.originate(request, (e) => {
        observe.onEvent?.(e);
        onEvent(e);
      });
      if (r.ok) observe.onOriginated?.(request);
      return r;
    },
    cancel: (id) => inner.cancel(id),
    bridge: (id, agentId) => inner.bridge(id, agentId),
    playPrompt: (id, prompt) => inner.playPrompt(id, prompt),
    startRecording: (id, options) => inner.startRecording(id, options),
    hangup: (id) => inner.hangup(id),
    agentLogin: (agent, onLost) => inner.agentLogin(agent, onLost),
    agentLogout: (agentId) => inner.agentLogout(agentId),
    capacity: () => inner.capacity(),
    ready: () => inner.ready(),
    close: () => inner.close(),
  };
}
