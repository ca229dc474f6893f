import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/db/database.ts';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { createPromRuntimeMetrics } from '../../../src/adapters/metrics/prom-runtime-metrics.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { Campaign } from '../../../src/domain/campaign/campaign.ts';
import type { CallEvent, OriginateRequest, TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { CampaignRunner } from '../../../src/runtime/campaign-runner.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { collectingLogger, observingTelephony, storesFor } from './support/runtime-fixture.ts';

function runtimeRepositories(db: Kysely<Database>) {
  const { hopper, dnc, leads, attempts, dials } = storesFor(db, []);
  return { hopper, dnc, leads, attempts, dials };
}

/** Keeps every warning and error: the run must produce none. */
const { logger, problems } = collectingLogger();

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

const LEADS = Number(process.env.PACER_E2E_LEADS ?? 10_000);
const AGENTS = 20;
const SIM_HOURS = Number(process.env.PACER_E2E_HOURS ?? 3);
// 2026-07-01 13:00 UTC: 09:00 in New York, 06:00 in Los Angeles (opens at 16:00 UTC), 22:00 in Tokyo.
const startMs = Date.UTC(2026, 6, 1, 13, 0);

function campaignOf(id: string): Campaign {
  return {
    id, status: 'running', settingsVersion: 1, createdAt: new Date(startMs), updatedAt: new Date(startMs),
    name: 'e2e', dialMode: 'predictive', pacingPolicy: 'predictive', pacingRatio: null, maxAbandonRate: 0.03, abandonRateOverride: false,
    abandonWindow: '30d', abandonTarget: null, amdFalsePositiveRate: 0, amdFalsePositiveSource: 'configured', callerId: '+12125550199', callingHours: { start: '09:00', end: '20:00' }, unknownZonePolicy: 'deny', defaultTimeZone: null,
    ringTimeoutMs: 25_000, wrapUpLimitMs: 60_000, abandonMessage: 'id.wav', amd: { enabled: true, machineAction: 'hangup' },
    retryRules: { noAnswer: { delayMs: 3_600_000, maxAttempts: 2 }, busy: { delayMs: 600_000, maxAttempts: 2 }, machine: { delayMs: 3_600_000, maxAttempts: 1 }, failed: { delayMs: 3_600_000, maxAttempts: 1 } },
    maxAttemptsPerLead: 3, dncListIds: [], recording: { enabled: false, retentionDays: 90, abandonMessage: true },
  };
}

/** Keeps every originate request and event, as the network saw them. */
function recording(inner: TelephonyPort): { port: TelephonyPort; originated: { request: OriginateRequest; atMs: number }[]; events: Map<string, CallEvent[]> } {
  const originated: { request: OriginateRequest; atMs: number }[] = [];
  const events = new Map<string, CallEvent[]>();
  const port = observingTelephony(inner, {
    onOriginated: (request) => originated.push({ request, atMs: Date.now() }),
    onEvent: (e) => events.set(e.callId, [...(events.get(e.callId) ?? []), e]),
  });
  return { port, originated, events };
}

describe('campaign runner end to end (virtual clock, real PostgreSQL)', () => {
  it(`dials ${LEADS} leads with ${AGENTS} agents: never DNC or out of hours, one complete record per call`, async () => {
    const { db } = handle;
    const c = await db.insertInto('campaigns').values({ name: `e2e-${randomUUID()}`, dial_mode: 'predictive', caller_id: '+12125550199', status: 'running' }).returning('id').executeTakeFirstOrThrow();
    const list = await db.insertInto('lead_lists').values({ campaign_id: c.id, name: 'e2e' }).returning('id').executeTakeFirstOrThrow();
    const dnc = await db.insertInto('dnc_lists').values({ name: `e2e-${randomUUID()}`, scope: 'campaign' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('campaign_dnc_lists').values({ campaign_id: c.id, dnc_list_id: dnc.id }).execute();
    const zoneOf = (i: number): { timezone: string | null; timezone_source: 'zip' | 'unknown' | 'ambiguous'; timezone_candidates: string[] | null } => {
      if (i % 50 === 7) return { timezone: null, timezone_source: 'unknown', timezone_candidates: null };
      if (i % 50 === 8) return { timezone: null, timezone_source: 'ambiguous', timezone_candidates: ['America/New_York', 'America/Chicago'] };
      if (i % 25 === 3) return { timezone: 'Asia/Tokyo', timezone_source: 'zip', timezone_candidates: null };
      return { timezone: i % 3 === 0 ? 'America/Los_Angeles' : 'America/New_York', timezone_source: 'zip', timezone_candidates: null };
    };
    const phoneOf = (i: number) => `+1212${String(2_000_000 + i).padStart(7, '0')}`;
    const rows = Array.from({ length: LEADS }, (_, i) => ({ campaign_id: c.id, lead_list_id: list.id, source_row: i + 1, ...zoneOf(i) }));
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 2_000) {
      const inserted = await db.insertInto('leads').values(rows.slice(i, i + 2_000)).returning('id').execute();
      ids.push(...inserted.map((r) => r.id));
    }
    for (let i = 0; i < ids.length; i += 2_000) {
      await db.insertInto('lead_phones').values(ids.slice(i, i + 2_000).map((leadId, j) => ({ lead_id: leadId, position: 1, campaign_id: c.id, e164: phoneOf(i + j) }))).execute();
    }
    // 2 % of the numbers are on the DNC list from the start.
    const dncAtStart = ids.map((_, i) => i).filter((i) => i % 50 === 11).map(phoneOf);
    await db.insertInto('dnc_entries').values(dncAtStart.map((e164) => ({ dnc_list_id: dnc.id, e164, added_at: new Date(startMs) }))).execute();

    const scheduler = new VirtualScheduler(startMs);
    const sim = new SimTelephony({ scheduler, seed: 11 });
    const rec = recording(sim);
    const registry = new Registry();
    const runner = new CampaignRunner(campaignOf(c.id), {
      scheduler, telephony: rec.port, logger, nodeId: `node-${randomUUID()}`, tickMs: 1_000,
      ...runtimeRepositories(db),
      metrics: createPromRuntimeMetrics(registry),
      listener: { onAgentState: (agentId, state) => agents.onAgentState(agentId, state) },
    });
    const agents = new SimAgents({ scheduler, telephony: sim, seed: 5 });
    const agentRows = await db.insertInto('agents').values(Array.from({ length: AGENTS }, (_, a) => ({ name: `sim-${a}`, campaign_id: c.id }))).returning('id').execute();
    for (const { id } of agentRows) await agents.login(id, runner.coordinator);
    await runner.start();

    const settle = () => runner.whenIdle();
    const dncAddedMs = startMs + 3_600_000;
    const lateDnc = ids.map((_, i) => i).filter((i) => i % 50 === 23).map(phoneOf);
    const endMs = startMs + SIM_HOURS * 3_600_000;
    for (let t = startMs; t < endMs; t += 60_000) {
      await scheduler.advanceTo(t + 60_000, settle);
      if (t + 60_000 === dncAddedMs) {
        // Numbers added to the DNC list while the campaign runs.
        await db.insertInto('dnc_entries').values(lateDnc.map((e164) => ({ dnc_list_id: dnc.id, e164, added_at: new Date(dncAddedMs) }))).onConflict((oc) => oc.doNothing()).execute();
      }
      if (process.env.PACER_E2E_DEBUG) console.log(JSON.stringify(runner.stats()));
    }
    // Stop placing; let the calls in progress finish.
    runner.pause();
    for (let i = 0; i < 240 && runner.coordinator.liveCallCount > 0; i++) await scheduler.advanceBy(60_000, settle);
    await runner.stop();
    expect(runner.coordinator.liveCallCount).toBe(0);
    expect(problems).toEqual([]);

    const attempts = await db.selectFrom('call_attempts').selectAll().where('campaign_id', '=', c.id).execute();
    expect(attempts.length).toBe(rec.originated.length);
    expect(attempts.length).toBeGreaterThan(LEADS / 2);
    const byPhone = new Set(dncAtStart);
    const late = new Set(lateDnc);
    for (const a of attempts) {
      // One complete record per originated call.
      expect(a.ended_at).not.toBeNull();
      expect(a.outcome).not.toBeNull();
      const originatedMs = a.originated_at?.getTime() ?? Number.NaN;
      // Never a DNC number: on the list from the start, or dialed after it was added.
      expect(byPhone.has(a.phone)).toBe(false);
      if (late.has(a.phone)) expect(originatedMs).toBeLessThan(dncAddedMs);
      // Never outside 09:00-20:00 in the callee's zone, never an unknown zone.
      expect(a.timezone).not.toBeNull();
      const local = DateTime.fromMillis(originatedMs, { zone: a.timezone ?? 'UTC' });
      expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(local.hour * 60 + local.minute).toBeLessThan(20 * 60);
      // Every answered human reached an agent or was counted abandoned.
      if (a.outcome === 'human') expect(a.agent_connected_at !== null || a.abandoned).toBe(true);
    }
    const tokyo = await db.selectFrom('call_attempts').select('id').where('campaign_id', '=', c.id).where('timezone', '=', 'Asia/Tokyo').execute();
    expect(tokyo).toHaveLength(0);
    const overLimit = await db.selectFrom('leads').select('id').where('campaign_id', '=', c.id).where('attempts', '>', 3).execute();
    expect(overLimit).toHaveLength(0);
    const humans = attempts.filter((a) => a.outcome === 'human');
    const abandoned = humans.filter((a) => a.abandoned).length;
    expect(humans.length).toBeGreaterThan(100);
    expect(abandoned / humans.length).toBeLessThanOrEqual(0.03);
    const blocked = await db.selectFrom('dial_decisions').select(['reason']).where('campaign_id', '=', c.id).where('decision', '=', 'blocked').execute();
    const reasons = new Set(blocked.map((b) => b.reason));
    expect(reasons).toContain('dnc');
    expect(reasons).toContain('unknown_time_zone');
    expect(reasons).toContain('outside_calling_hours');
    // The Prometheus counters agree with the records.
    const counter = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0);
    expect(await counter('pacer_calls_originated_total')).toBe(attempts.length);
    expect(await counter('pacer_calls_total')).toBe(attempts.length);
    expect(await counter('pacer_calls_abandoned_total')).toBe(abandoned);
    expect(await counter('pacer_dials_blocked_total')).toBe(blocked.length);
    console.log(JSON.stringify({ leads: LEADS, attempts: attempts.length, humans: humans.length, abandoned, blocked: blocked.length, simulatedMin: (scheduler.nowMs() - startMs) / 60_000 }));
  }, 600_000);
});
