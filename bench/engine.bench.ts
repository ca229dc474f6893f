/**
 * `npm run bench:engine`: one dialer node on the wall clock with the full pipeline (campaign lease,
 * lead leases from PostgreSQL, the dial gate with a DNC list, the hash-chained decision trail, call
 * records and lead settlement written behind, agent-state writes and runtime events), simulated
 * telephony and simulated agents. It reports sustained originations per second, concurrent calls,
 * the pacing tick (the policy's computation and the whole tick) and event-loop lag percentiles, and
 * the CPU each side used.
 *
 * Uses a dedicated database on the local PostgreSQL, created and dropped here. Settings (env):
 *   BENCH_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
 *   BENCH_AGENTS=2400  BENCH_LEADS=300000  BENCH_WARMUP_SEC=240  BENCH_MEASURE_SEC=120
 *   BENCH_POLICY=predictive|ratio|progressive  BENCH_RATIO=3 (ratio only)
 *   BENCH_TALK_SEC=30 (mean, lognormal cv 1)  BENCH_CPS=300 (trunk limit)  BENCH_REDIS_URL (Redis lease and event bus instead of in-process)
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { InProcessEventBus } from '../src/adapters/bus/in-process-event-bus.ts';
import { RedisEventBus } from '../src/adapters/bus/redis-event-bus.ts';
import type { Database } from '../src/adapters/db/database.ts';
import { AuditLogRepository } from '../src/adapters/db/repositories/audit-log-repository.ts';
import { CampaignRepository } from '../src/adapters/db/repositories/campaign-repository.ts';
import { InProcessLease } from '../src/adapters/lease/in-process-lease.ts';
import { RedisLease } from '../src/adapters/lease/redis-lease.ts';
import { DEFAULT_CALLEE_MODEL } from '../src/adapters/telephony/sim/callee-model.ts';
import { SimTelephony } from '../src/adapters/telephony/sim/sim-telephony.ts';
import { SystemScheduler } from '../src/adapters/time/system-scheduler.ts';
import { isInsideCallingHours } from '../src/domain/compliance/calling-window.ts';
import { NO_RUNTIME_METRICS, type RuntimeMetrics } from '../src/domain/ports/metrics.ts';
import { DialerRuntime, type RuntimeEvents } from '../src/runtime/dialer-runtime.ts';
import { createPostgresRuntimeStores } from '../src/adapters/db/create-postgres-runtime-stores.ts';
import { SimAgents } from '../src/runtime/sim-agents.ts';
import { cpuSecFromStat } from './support/proc-stat.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const env = process.env;
const AGENTS = Number(env.BENCH_AGENTS ?? 2_400);
const LEADS = Number(env.BENCH_LEADS ?? 300_000);
const WARMUP_SEC = Number(env.BENCH_WARMUP_SEC ?? 240);
const MEASURE_SEC = Number(env.BENCH_MEASURE_SEC ?? 120);
const POLICY = env.BENCH_POLICY ?? 'predictive';
const RATIO = Number(env.BENCH_RATIO ?? 3);
const TALK_SEC = Number(env.BENCH_TALK_SEC ?? 30);
/** The trunk's calls-per-second limit (the telephony capacity the pacing engine is given). */
const CPS = Number(env.BENCH_CPS ?? 300);
const ADMIN_URL = env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HOURS = { start: '09:00', end: '20:00' };
/** Zones with a NANP area code; the bench dials the one where it is mid-day now. */
const ZONES: readonly { zone: string; areaCode: string }[] = [
  { zone: 'America/New_York', areaCode: '212' }, { zone: 'America/Chicago', areaCode: '312' }, { zone: 'America/Denver', areaCode: '303' },
  { zone: 'America/Los_Angeles', areaCode: '213' }, { zone: 'Pacific/Honolulu', areaCode: '808' }, { zone: 'America/Anchorage', areaCode: '907' },
  { zone: 'America/Halifax', areaCode: '902' }, { zone: 'Pacific/Guam', areaCode: '671' }, { zone: 'America/Puerto_Rico', areaCode: '787' },
  { zone: 'Europe/London', areaCode: '441' }, { zone: 'Asia/Tokyo', areaCode: '670' }, { zone: 'Asia/Kolkata', areaCode: '684' },
];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** CPU seconds (user + system) used so far by the given processes (our database's backends). */
function cpuSecOf(pids: readonly number[]): number {
  let sec = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      // The backend exited: its CPU can no longer be read, so the figure is a lower bound.
      continue;
    }
    sec += cpuSecFromStat(stat);
  }
  return sec;
}

/** Runtime metrics kept in memory for percentiles (the service exports the same through prom-client). */
function collectingMetrics() {
  const m = { originated: 0, blocked: 0, ended: 0, humans: 0, abandoned: 0, decideMs: [] as number[], tickMs: [] as number[], placingTickMs: [] as number[], lastCount: 0, originateMs: [] as number[], bridgeMs: [] as number[], measuring: false };
  const metrics: RuntimeMetrics = {
    ...NO_RUNTIME_METRICS,
    callOriginated: (_c, latencyMs) => {
      m.originated++;
      if (m.measuring) m.originateMs.push(latencyMs);
    },
    dialBlocked: () => void m.blocked++,
    callEnded: (_c, outcome, abandoned) => {
      m.ended++;
      if (outcome === 'human') m.humans++;
      if (abandoned) m.abandoned++;
    },
    answerToBridgeMs: (_c, ms) => void (m.measuring && m.bridgeMs.push(ms)),
    pacingDecision: (_c, _level, _expected, callsToPlace) => {
      m.lastCount = callsToPlace;
    },
    pacingTick: (_c, decideMs, totalMs) => {
      if (!m.measuring) return;
      m.decideMs.push(decideMs);
      m.tickMs.push(totalMs);
      if (m.lastCount > 0) m.placingTickMs.push(totalMs);
    },
  };
  return { m, metrics };
}

async function seed(db: Kysely<Database>, zone: { zone: string; areaCode: string }) {
  const campaign = await db
    .insertInto('campaigns')
    .values({ name: 'bench engine', dial_mode: 'predictive', pacing_policy: POLICY === 'predictive' ? 'predictive' : POLICY === 'ratio' ? 'ratio' : 'progressive', pacing_ratio: POLICY === 'ratio' ? String(RATIO) : null, caller_id: '+12125550100', status: 'running', abandon_message: 'id.wav', wrap_up_limit_ms: 30_000, max_attempts_per_lead: 3 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const list = await db.insertInto('lead_lists').values({ campaign_id: campaign.id, name: 'bench' }).returning('id').executeTakeFirstOrThrow();
  await sql`INSERT INTO leads (campaign_id, lead_list_id, source_row, first_name, timezone, timezone_source)
    SELECT ${campaign.id}::uuid, ${list.id}::uuid, g, 'Lead ' || g, ${zone.zone}, 'zip' FROM generate_series(1, ${LEADS}::int) g`.execute(db);
  await sql`INSERT INTO lead_phones (lead_id, position, campaign_id, e164)
    SELECT id, 1, campaign_id, '+1' || ${zone.areaCode} || lpad((2000000 + source_row)::text, 7, '0') FROM leads WHERE campaign_id = ${campaign.id}`.execute(db);
  // A 100,000-number DNC list attached to the campaign; 2 % of the leads are on it.
  const dnc = await db.insertInto('dnc_lists').values({ name: 'bench dnc', scope: 'campaign' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('campaign_dnc_lists').values({ campaign_id: campaign.id, dnc_list_id: dnc.id }).execute();
  await sql`INSERT INTO dnc_entries (dnc_list_id, e164)
    SELECT ${dnc.id}::uuid, '+1' || ${zone.areaCode} || lpad((2000000 + g * 50)::text, 7, '0') FROM generate_series(1, ${Math.floor(LEADS / 50)}::int) g
    UNION ALL SELECT ${dnc.id}::uuid, '+1555' || lpad(g::text, 7, '0') FROM generate_series(1, ${100_000 - Math.floor(LEADS / 50)}::int) g`.execute(db);
  const agents = await db.insertInto('agents').values(Array.from({ length: AGENTS }, (_, i) => ({ name: `bench agent ${i + 1}`, campaign_id: campaign.id }))).returning('id').execute();
  await sql`ANALYZE`.execute(db);
  return { campaignId: campaign.id, agentIds: agents.map((a) => a.id) };
}

async function main(): Promise<void> {
  const nowMs = Date.now();
  const zone = ZONES.find((z) => isInsideCallingHours(z.zone, nowMs, HOURS) && isInsideCallingHours(z.zone, nowMs + 3 * 3_600_000, HOURS)) ?? ZONES.find((z) => isInsideCallingHours(z.zone, nowMs + (WARMUP_SEC + MEASURE_SEC + 120) * 1000, HOURS));
  if (zone === undefined) throw new Error('no zone of the bench list is inside calling hours now');
  const scratch = await createScratchDatabase({ adminUrl: ADMIN_URL, prefix: 'pacer_bench_engine', maxConnections: 10 });
  const { handle, name: dbName } = scratch;
  let problems = 0;
  const firstProblems: unknown[] = [];
  const logger = pino(
    {
      level: 'info',
      hooks: {
        logMethod(args, method, level) {
          if (level >= 40) {
            problems++;
            if (firstProblems.length < 5) firstProblems.push(args);
          }
          method.apply(this, args);
        },
      },
    },
    pino.destination({ dest: '/dev/null', sync: false }),
  );
  try {
    const seedStart = performance.now();
    const { campaignId, agentIds } = await seed(handle.db, zone);
    console.log(`seeded ${LEADS} leads (${zone.zone}), ${AGENTS} agents, a 100,000-number DNC list in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const scheduler = new SystemScheduler();
    const telephony = new SimTelephony({ scheduler, seed: 7, maxSessions: 20_000, callsPerSecond: CPS, callee: { ...DEFAULT_CALLEE_MODEL, talkSec: { dist: 'lognormal', mean: TALK_SEC, cv: 1 } } });
    const simAgents = new SimAgents({ scheduler, telephony, seed: 3, wrapSec: { dist: 'lognormal', mean: 5, cv: 0.5 } });
    const redisUrl = env.BENCH_REDIS_URL;
    const lease = redisUrl === undefined ? new InProcessLease() : new RedisLease({ redisUrl, prefix: `bench:${dbName}:lease` });
    const eventBus = redisUrl === undefined ? new InProcessEventBus<RuntimeEvents>() : new RedisEventBus<RuntimeEvents>({ redisUrl, prefix: `bench:${dbName}:bus` });
    const campaigns = new CampaignRepository(handle.db, new AuditLogRepository(handle.db));
    const runtime = new DialerRuntime({ stores: createPostgresRuntimeStores(handle.db, campaigns), scheduler, telephony, lease, eventBus, logger, nodeId: 'bench-node', simAgents });
    const { m, metrics } = collectingMetrics();
    runtime.setMetrics(metrics);
    // A subscriber per event topic, as the agent streams of a real deployment would have.
    let events = 0;
    await eventBus.subscribe('agent.state', () => void events++);
    await eventBus.subscribe('agent.screen-pop', () => void events++);
    await runtime.runCampaign(campaignId);
    const runner = runtime.runner(campaignId);
    if (runner === undefined) throw new Error('the campaign did not start');
    for (const id of agentIds) await simAgents.login(id, runner.coordinator);
    console.log(`running: policy ${POLICY}${POLICY === 'ratio' ? ` ${RATIO}` : ''}, talk mean ${TALK_SEC} s; warming up ${WARMUP_SEC} s, then measuring ${MEASURE_SEC} s`);

    const lag = monitorEventLoopDelay({ resolution: 1 });
    const perSecond: { originated: number; live: number }[] = [];
    /** The pacing decision's reason, sampled once a second (is the model dialing, or its progressive fallback?). */
    const reasons = new Map<string, number>();
    let last = m.originated;
    // PostgreSQL CPU: the backends of this database, sampled every second (pooled connections come and go).
    const backendCpu = new Map<number, { first: number; last: number }>();
    const sampleBackends = async (): Promise<void> => {
      const pids = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(handle.db)).rows.map((r) => r.pid);
      for (const pid of pids) {
        const cpuSec = cpuSecOf([pid]);
        const seen = backendCpu.get(pid);
        if (seen === undefined) backendCpu.set(pid, { first: cpuSec, last: cpuSec });
        else seen.last = cpuSec;
      }
    };
    let measureStart = { wallMs: 0, cpu: process.cpuUsage(), originated: 0 };
    await new Promise<void>((resolve) => {
      let second = 0;
      const timer = setInterval(() => {
        second++;
        const live = runner.coordinator.liveCallCount;
        if (m.measuring) void sampleBackends();
        if (second === WARMUP_SEC) {
          void sampleBackends();
          m.measuring = true;
          lag.enable();
          measureStart = { wallMs: performance.now(), cpu: process.cpuUsage(), originated: m.originated };
        } else if (second > WARMUP_SEC) {
          perSecond.push({ originated: m.originated - last, live });
          const reason = runner.stats().lastDecision?.reason ?? 'none';
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        last = m.originated;
        if (second % 10 === 0) console.log(`t=${second}s originated ${m.originated} live ${live} ${JSON.stringify(runner.coordinator.roster.countByState())}`);
        if (second >= WARMUP_SEC + MEASURE_SEC) {
          clearInterval(timer);
          resolve();
        }
      }, 1_000);
    });
    lag.disable();
    m.measuring = false;
    const wallSec = (performance.now() - measureStart.wallMs) / 1000;
    const cpu = process.cpuUsage(measureStart.cpu);
    await sampleBackends();
    const pgCpuSec = [...backendCpu.values()].reduce((sum, b) => sum + (b.last - b.first), 0);
    const originated = m.originated - measureStart.originated;

    const drainStart = performance.now();
    await runtime.close({ hangup: true });
    await telephony.close();
    scheduler.cancelAll();
    await eventBus.close();
    await lease.close();
    const open = await handle.db.selectFrom('call_attempts').select((eb) => eb.fn.countAll<string>().as('n')).where('ended_at', 'is', null).executeTakeFirstOrThrow();
    const total = await handle.db.selectFrom('call_attempts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const trail = await handle.db.selectFrom('dial_decisions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const decide = sorted(m.decideMs);
    const tick = sorted(m.tickMs);
    const placing = sorted(m.placingTickMs);
    const orig = sorted(m.originateMs);
    const bridge = sorted(m.bridgeMs);
    const rates = sorted(perSecond.map((s) => s.originated));
    const lives = perSecond.map((s) => s.live);
    const windows10 = Array.from({ length: Math.floor(perSecond.length / 10) }, (_, k) => perSecond.slice(k * 10, k * 10 + 10).reduce((a, s) => a + s.originated, 0) / 10);
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    const lagMs = (ns: number) => Math.max(0, ns / 1e6 - 1);
    const result = {
      policy: POLICY === 'ratio' ? `ratio ${RATIO}` : POLICY,
      agents: AGENTS,
      talkMeanSec: TALK_SEC,
      trunkCps: CPS,
      eventBus: redisUrl === undefined ? 'in-process' : 'redis',
      measuredSec: Number(wallSec.toFixed(1)),
      originationsPerSec: Number((originated / wallSec).toFixed(1)),
      originationsPerSecLowest10s: Number(Math.min(...windows10).toFixed(1)),
      originationsPerSecP50Second: percentile(rates, 50),
      concurrentCallsMean: Math.round(lives.reduce((a, b) => a + b, 0) / Math.max(1, lives.length)),
      concurrentCallsPeak: Math.max(...lives),
      ticks: tick.length,
      pacingReasonsSampled: Object.fromEntries(reasons),
      tickDecide: { p50: ms(percentile(decide, 50)), p99: ms(percentile(decide, 99)), max: ms(decide.at(-1) ?? Number.NaN) },
      tickTotal: { p50: ms(percentile(tick, 50)), p99: ms(percentile(tick, 99)), max: ms(tick.at(-1) ?? Number.NaN) },
      ticksPlacingCalls: placing.length,
      tickTotalWhenPlacing: { p50: ms(percentile(placing, 50)), p99: ms(percentile(placing, 99)), max: ms(placing.at(-1) ?? Number.NaN) },
      // Sampled every 1 ms: an idle loop reads 1 ms, so the sampling interval is taken off.
      eventLoopLag: { p50: ms(lagMs(lag.percentile(50))), p99: ms(lagMs(lag.percentile(99))), max: ms(lagMs(lag.max)) },
      originateLatency: { p50: ms(percentile(orig, 50)), p99: ms(percentile(orig, 99)) },
      answerToBridge: { p50: ms(percentile(bridge, 50)), p99: ms(percentile(bridge, 99)) },
      nodeCpuCoresUsed: Number(((cpu.user + cpu.system) / 1e6 / wallSec).toFixed(2)),
      postgresCpuCoresUsed: Number((pgCpuSec / wallSec).toFixed(2)),
      humans: m.humans,
      abandoned: m.abandoned,
      blocked: m.blocked,
      runtimeEvents: events,
      callRecords: Number(total.n),
      callRecordsLeftOpen: Number(open.n),
      decisionTrailRecords: Number(trail.n),
      drainSec: Number(((performance.now() - drainStart) / 1000).toFixed(1)),
      warningsOrErrors: problems,
      loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    };
    console.log(JSON.stringify(result, null, 2));
    if (problems > 0) console.log('first problems:', JSON.stringify(firstProblems).slice(0, 2_000));
  } finally {
    await scratch.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
