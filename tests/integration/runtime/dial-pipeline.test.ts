import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { Campaign } from '../../../src/domain/campaign/campaign.ts';
import { NO_RUNTIME_METRICS } from '../../../src/domain/ports/metrics.ts';
import type { TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { CampaignRunner, type CampaignRunnerDeps } from '../../../src/runtime/campaign-runner.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, observingTelephony, repositoriesWithOutage, seedCampaign, START_MS, type RuntimeRepositories } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 6 });
});
afterAll(() => handle.close());

interface Rig {
  runner: CampaignRunner;
  scheduler: VirtualScheduler;
  repos: RuntimeRepositories;
  originated: { callId: string; to: string; atMs: number }[];
  campaignId: string;
  settle: () => Promise<void>;
}

/** A runner on a seeded campaign with simulated agents; `wrap` may replace repositories or telephony. */
async function rig(input: {
  leads: number;
  agents: number;
  campaign?: Partial<Campaign>;
  scheduler?: VirtualScheduler;
  seeded?: { campaignId: string; agentIds: string[] };
  wrap?: (repos: RuntimeRepositories, telephony: TelephonyPort) => { repos?: Partial<RuntimeRepositories>; telephony?: TelephonyPort };
  deps?: Partial<CampaignRunnerDeps>;
}): Promise<Rig> {
  const { db } = handle;
  const { campaignId, agentIds } = input.seeded ?? (await seedCampaign(db, { leads: input.leads, agents: input.agents }));
  const scheduler = input.scheduler ?? new VirtualScheduler(START_MS);
  const sim = new SimTelephony({ scheduler, seed: 11 });
  const originated: Rig['originated'] = [];
  const observed = observingTelephony(sim, { onOriginated: (r) => originated.push({ callId: r.callId, to: r.to, atMs: scheduler.nowMs() }) });
  const { repos } = repositoriesWithOutage(db);
  const wrapped = input.wrap?.(repos, observed) ?? {};
  const allRepos = { ...repos, ...wrapped.repos };
  const agents = new SimAgents({ scheduler, telephony: sim, seed: 5 });
  const { logger } = collectingLogger();
  const runner = new CampaignRunner(campaignOf(campaignId, { dialMode: 'predictive', pacingPolicy: 'ratio', pacingRatio: 3, ...input.campaign }), {
    ...allRepos, scheduler, telephony: wrapped.telephony ?? observed, logger, nodeId: `node-${randomUUID()}`, tickMs: 1_000,
    listener: { onAgentState: (agentId, state) => agents.onAgentState(agentId, state) },
    ...input.deps,
  });
  for (const id of agentIds) await agents.login(id, runner.coordinator);
  return { runner, scheduler, repos: allRepos, originated, campaignId, settle: () => runner.whenIdle() };
}

async function drain(r: Rig): Promise<void> {
  await r.runner.pause();
  for (let i = 0; i < 40 && r.runner.coordinator.liveCallCount > 0; i++) await r.scheduler.advanceBy(30_000, r.settle);
  await r.runner.stop();
}

describe('the dial pipeline: one transaction, a re-check before every originate', () => {
  it('originates nothing after pause() resolved, even when the pause arrives in the middle of a batch', async () => {
    let pauseResolvedAtOriginate = -1;
    let paused: Promise<void> | undefined;
    let ackedAt: number | undefined;
    const r = await rig({
      leads: 200,
      agents: 5,
      wrap: (repos, telephony) => ({
        repos: {
          dials: {
            commitBatch: async (inputs, plan) => {
              const b = await repos.dials.commitBatch(inputs, plan);
              // The manager pauses while this batch is committed and not yet originated.
              if (paused === undefined && b.attempts.length > 0) {
                paused = r.runner.pause().then(() => {
                  ackedAt = r.originated.length;
                });
              }
              return b;
            },
            recordNotDialed: (id, items) => repos.dials.recordNotDialed(id, items),
          },
        },
        telephony: {
          ...telephony,
          originate: (req, onEvent) => {
            if (ackedAt !== undefined) pauseResolvedAtOriginate = r.originated.length;
            return telephony.originate(req, onEvent);
          },
        },
      }),
    });
    await r.runner.start();
    await r.scheduler.advanceBy(10_000, r.settle);
    await paused;
    expect(ackedAt).toBeDefined();
    expect(pauseResolvedAtOriginate).toBe(-1);
    // The batch the pause cut is on record as not dialed, its leads back in line with their attempts given back.
    const stopped = await handle.db.selectFrom('call_attempts').select(['lead_id', 'not_dialed_reason', 'ended_at', 'originated_at']).where('campaign_id', '=', r.campaignId).where('outcome', '=', 'not_dialed').execute();
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.every((s) => s.not_dialed_reason === 'campaign_paused' && s.ended_at !== null)).toBe(true);
    const leads = await handle.db.selectFrom('leads').select(['status', 'attempts']).where('id', 'in', stopped.map((s) => s.lead_id)).execute();
    expect(leads.every((l) => l.status === 'scheduled' && l.attempts === 0)).toBe(true);
    const trail = await handle.db.selectFrom('dial_decisions').select(['reason']).where('campaign_id', '=', r.campaignId).where('reason', '=', 'not_dialed:campaign_paused').execute();
    expect(trail.length).toBe(stopped.length);
    await drain(r);
  });

  it('runs one pacing loop whatever the pause/resume sequence', async () => {
    let ticks = 0;
    const r = await rig({
      leads: 50,
      agents: 2,
      campaign: { dialMode: 'progressive', pacingPolicy: 'progressive', pacingRatio: null },
      deps: { metrics: { ...NO_RUNTIME_METRICS, pacingTick: () => void ticks++ } },
    });
    await r.runner.start();
    for (let i = 0; i < 3; i++) {
      await r.scheduler.advanceBy(100, r.settle);
      void r.runner.pause();
      r.runner.resume();
    }
    const from = ticks;
    await r.scheduler.advanceBy(10_000, r.settle);
    expect(ticks - from).toBeLessThanOrEqual(11);
    expect(ticks - from).toBeGreaterThanOrEqual(9);
    await drain(r);
  });

  it('does not dial a number whose DNC entry was committed after the batch read DNC', async () => {
    const { db } = handle;
    const list = await db.insertInto('dnc_lists').values({ name: `late-${randomUUID()}`, scope: 'global' }).returning('id').executeTakeFirstOrThrow();
    const added: string[] = [];
    const r = await rig({
      leads: 40,
      agents: 4,
      wrap: (repos) => ({
        repos: {
          dnc: new Proxy(repos.dnc, {
            get(target, prop, receiver) {
              const v: unknown = Reflect.get(target, prop, receiver);
              if (prop !== 'dncHits' || typeof v !== 'function') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
              return async (numbers: string[], lists: string[]) => {
                const hits = await repos.dnc.dncHits(numbers, lists);
                // A compliance officer adds the first number of each batch right after the batch's DNC
                // read (the re-check's read names only the lists that changed).
                const first = numbers[0];
                if (added.length < 5 && first !== undefined && !added.includes(first) && lists.length > 1) {
                  await db.transaction().execute(async (trx) => {
                    await trx.insertInto('dnc_entries').values({ dnc_list_id: list.id, e164: first }).execute();
                    await trx.updateTable('dnc_lists').set({ version: sql`version + 1` }).where('id', '=', list.id).execute();
                  });
                  added.push(first);
                }
                return hits;
              };
            },
          }),
        },
      }),
    });
    // The list exists before the run: only its version moves.
    await r.runner.start();
    await r.scheduler.advanceBy(20_000, r.settle);
    await drain(r);
    await db.deleteFrom('dnc_entries').where('dnc_list_id', '=', list.id).execute();
    await db.deleteFrom('dnc_lists').where('id', '=', list.id).execute();
    expect(added.length).toBeGreaterThan(0);
    expect(r.originated.filter((o) => added.includes(o.to))).toEqual([]);
    const stopped = await db.selectFrom('call_attempts').select(['phone', 'not_dialed_reason']).where('campaign_id', '=', r.campaignId).where('outcome', '=', 'not_dialed').execute();
    expect(stopped.filter((s) => s.not_dialed_reason === 'dnc').map((s) => s.phone).sort()).toEqual([...added].sort());
    const flagged = await db.selectFrom('lead_phones').select('e164').where('campaign_id', '=', r.campaignId).where('dnc_flagged', '=', true).execute();
    expect(flagged.map((f) => f.e164).sort()).toEqual([...added].sort());
  });

  it('does not dial when the callee window closes within the margin, and schedules the lead for the next opening', async () => {
    // 19:59:30 in New York; the campaign's hours end at 20:00.
    const scheduler = new VirtualScheduler(Date.UTC(2026, 6, 1, 23, 59, 30));
    const r = await rig({ leads: 10, agents: 2, scheduler, campaign: { callingHours: { start: '09:00', end: '20:00' } } });
    await r.runner.start();
    await r.scheduler.advanceBy(5_000, r.settle);
    await drain(r);
    expect(r.originated).toEqual([]);
    const stopped = await handle.db.selectFrom('call_attempts').select(['lead_id', 'not_dialed_reason']).where('campaign_id', '=', r.campaignId).execute();
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.every((s) => s.not_dialed_reason === 'outside_calling_hours')).toBe(true);
    const leads = await handle.db.selectFrom('leads').select(['next_attempt_at']).where('id', 'in', stopped.map((s) => s.lead_id)).execute();
    // Next day 09:00 New York = 13:00 UTC.
    for (const l of leads) expect(l.next_attempt_at?.toISOString()).toBe('2026-07-02T13:00:00.000Z');
  });

  it('never rings one number from two campaigns at once', async () => {
    const { db } = handle;
    const a = await seedCampaign(db, { leads: 30, agents: 3 });
    const b = await seedCampaign(db, { leads: 30, agents: 3 });
    // Campaign b holds the same people as campaign a.
    const numbersA = await db.selectFrom('lead_phones').select(['e164', 'lead_id']).where('campaign_id', '=', a.campaignId).orderBy('lead_id').execute();
    const leadsB = await db.selectFrom('lead_phones').select('lead_id').where('campaign_id', '=', b.campaignId).orderBy('lead_id').execute();
    for (const [i, l] of leadsB.entries()) {
      const e164 = numbersA[i]?.e164;
      if (e164 !== undefined) await db.updateTable('lead_phones').set({ e164 }).where('campaign_id', '=', b.campaignId).where('lead_id', '=', l.lead_id).execute();
    }
    const scheduler = new VirtualScheduler(START_MS);
    const live = new Map<string, number>();
    let overlaps = 0;
    const track = (repos: RuntimeRepositories, telephony: TelephonyPort) => ({
      telephony: {
        ...telephony,
        originate: (req: Parameters<TelephonyPort['originate']>[0], onEvent: Parameters<TelephonyPort['originate']>[1]) => {
          const n = (live.get(req.to) ?? 0) + 1;
          if (n > 1) overlaps++;
          live.set(req.to, n);
          return telephony.originate(req, (e) => {
            if (e.type === 'hangup' || e.type === 'failed') live.set(req.to, (live.get(req.to) ?? 1) - 1);
            onEvent(e);
          });
        },
      },
      repos: { dials: repos.dials },
    });
    const ra = await rig({ leads: 0, agents: 0, scheduler, seeded: a, wrap: track });
    const rb = await rig({ leads: 0, agents: 0, scheduler, seeded: b, wrap: track });
    await ra.runner.start();
    await rb.runner.start();
    const settle = async () => {
      await ra.settle();
      await rb.settle();
    };
    await scheduler.advanceBy(120_000, settle);
    await Promise.all([ra.runner.pause(), rb.runner.pause()]);
    for (let i = 0; i < 40 && ra.runner.coordinator.liveCallCount + rb.runner.coordinator.liveCallCount > 0; i++) await scheduler.advanceBy(30_000, settle);
    await ra.runner.stop();
    await rb.runner.stop();
    expect(ra.originated.length + rb.originated.length).toBeGreaterThan(10);
    expect(overlaps).toBe(0);
    const blocked = await db.selectFrom('dial_decisions').select('id').where('campaign_id', 'in', [a.campaignId, b.campaignId]).where('reason', '=', 'number_in_live_call').execute();
    expect(blocked.length).toBeGreaterThan(0);
  });

  it('an originate that throws or is refused leaves no phantom call and burns no attempt; the rest of the batch is dialed', async () => {
    let calls = 0;
    const r = await rig({
      leads: 30,
      agents: 6,
      wrap: (_repos, telephony) => ({
        telephony: {
          ...telephony,
          originate: (req, onEvent) => {
            calls++;
            if (calls === 1) throw new Error('adapter bug');
            if (calls === 2) return Promise.resolve({ ok: false as const, reason: 'no_capacity' as const });
            return telephony.originate(req, onEvent);
          },
        },
      }),
    });
    await r.runner.start();
    await r.scheduler.advanceBy(1_500, r.settle);
    expect(r.runner.coordinator.liveCallCount).toBe(r.originated.length);
    expect(r.originated.length).toBeGreaterThan(0);
    await drain(r);
    const stopped = await handle.db.selectFrom('call_attempts').select(['lead_id', 'not_dialed_reason']).where('campaign_id', '=', r.campaignId).where('outcome', '=', 'not_dialed').execute();
    expect(stopped.map((s) => s.not_dialed_reason).sort()).toEqual(['originate_error', 'telephony_refused']);
    const leads = await handle.db.selectFrom('leads').select(['id', 'attempts', 'status']).where('id', 'in', stopped.map((s) => s.lead_id)).execute();
    // Attempt given back (they may have been dialed again later: then exactly that one attempt counts).
    const dialedAgain = new Set((await handle.db.selectFrom('call_attempts').select('lead_id').where('campaign_id', '=', r.campaignId).where('outcome', '<>', 'not_dialed').execute()).map((x) => x.lead_id));
    for (const l of leads) expect(l.attempts).toBe(dialedAgain.has(l.id) ? 1 : 0);
  });

  it('applies calling hours narrowed while running from the next tick, and records the settings version', async () => {
    const r = await rig({ leads: 200, agents: 4 });
    await r.runner.start();
    await r.scheduler.advanceBy(20_000, r.settle);
    expect(r.originated.length).toBeGreaterThan(0);
    // 10:00 in New York: narrowing to 08:00-10:00 closes the window now.
    r.runner.applySettings({ ...r.runner.campaign, callingHours: { start: '08:00', end: '10:00' }, settingsVersion: 2 });
    const changedAt = r.scheduler.nowMs();
    await r.scheduler.advanceBy(1_000, r.settle);
    const countAfterTick = r.originated.length;
    await r.scheduler.advanceBy(120_000, r.settle);
    expect(r.originated.length).toBe(countAfterTick);
    expect(r.originated.filter((o) => o.atMs > changedAt + 1_000)).toEqual([]);
    await drain(r);
    const v2 = await handle.db.selectFrom('dial_decisions').select(['decision', 'reason']).where('campaign_id', '=', r.campaignId).where(sql<boolean>`(inputs->>'settingsVersion')::int = 2`).execute();
    expect(v2.length).toBeGreaterThan(0);
    expect(v2.every((d) => d.decision === 'blocked' && d.reason === 'outside_calling_hours')).toBe(true);
  });
});
