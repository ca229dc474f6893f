import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultTable, type FaultRow } from '../faults/support/invariants.ts';
import { PacerProcess, type PacerProcessOptions } from '../faults/support/pacer-process.ts';
import { PgCluster } from '../faults/support/pg-cluster.ts';
import { RedisServer } from '../faults/support/redis-server.ts';
import { killNine, outageMs, postgresOutage, redisOutage, sigtermDrain } from '../faults/support/scenarios.ts';
import { dncWhileDialing, pauseResumeCycles } from '../faults/support/command-faults.ts';
import { nightSecondNumbers, overlappingNumbers, sharedNumbers } from '../faults/support/number-faults.ts';
import { abandonInvariants, forcedAbandons } from '../faults/support/abandon-invariants.ts';
import { dayAndNightZones } from '../faults/support/zones.ts';
import { row } from '../faults/support/rows.ts';

/**
 * The full fault harness (`npm run faults`; not part of `npm test`, whose short form is
 * tests/faults/outage-and-drain.test.ts): the real `pacer serve` on its own PostgreSQL cluster and its
 * own redis-server, a few hundred simulated agents, and each fault of issue 11 injected mid-campaign:
 * `kill -9` three times, PostgreSQL fast shutdown and SIGSTOP, Redis stopped (each FAULT_OUTAGE_MS,
 * default 30 s), DNC numbers added every 150 ms while dialing, pause/resume cycles, second numbers
 * in night zones, two campaigns sharing numbers, abandons forced by a fixed ratio, then SIGTERM with at least 300 calls in flight
 * (restarted with FAULT_DRAIN_AGENTS, default 400, simulated agents for it), and last the abandon
 * invariants over the whole run. It asserts invariants (never speeds), prints one table and writes
 * it to FAULTS_REPORT when that is set (e.g. docs/benchmarks/faults-latest.md).
 */
const OUTAGE_MS = outageMs(30_000);
const AGENTS = Number(process.env.FAULT_AGENTS ?? 200);
const KILLS = Number(process.env.FAULT_KILLS ?? 3);
const DRAIN_AGENTS = Number(process.env.FAULT_DRAIN_AGENTS ?? 400);
const DRAIN_IN_FLIGHT = 300;
/** Day and night zones for the next hour of real time, chosen when the run starts. */
const ZONES = dayAndNightZones(Date.now(), 3_600_000);

let cluster: PgCluster | undefined;
let redis: RedisServer | undefined;
let pacer: PacerProcess | undefined;
const rows: FaultRow[] = [];

const options = (simAgents = AGENTS): PacerProcessOptions => {
  if (cluster === undefined || redis === undefined) throw new Error('setup failed');
  return { databaseUrl: cluster.url, redisUrl: redis.url, simAgents, nodeId: 'faults-full', drainTimeoutMs: 10_000 };
};
const failed = (r: readonly FaultRow[]): FaultRow[] => r.filter((x) => x.result !== 'pass');

beforeAll(async () => {
  cluster = await PgCluster.create();
  redis = await RedisServer.create();
  pacer = await PacerProcess.start(options());
}, 180_000);

afterAll(async () => {
  await pacer?.destroy();
  await redis?.stop();
  await cluster?.destroy();
  if (rows.length > 0) {
    const table = faultTable(rows);
    process.stdout.write(`\n${table}\n`);
    const report = process.env.FAULTS_REPORT;
    if (report !== undefined && report !== '') {
      await writeFile(resolve(report), `# Fault harness run\n\n${new Date().toISOString()}, ${AGENTS} simulated agents per campaign (${DRAIN_AGENTS} for the SIGTERM step), outages of ${OUTAGE_MS} ms, ${KILLS} kills, day zones ${ZONES.day.map((z) => z.zone).join(', ')}, night zones ${ZONES.night.map((z) => z.zone).join(', ')}.\n\n${table}\n`);
    }
  }
}, 120_000);

describe(`pacer serve under faults (real processes, ${AGENTS} agents)`, () => {
  it(`kill -9 ${KILLS} times mid-campaign, restarting on the same node id`, async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await killNine(cluster, () => PacerProcess.start(options()), pacer, KILLS);
    pacer = result.last;
    rows.push(...result.rows);
    expect(failed(result.rows)).toEqual([]);
  }, KILLS * 240_000);

  it('PostgreSQL fast shutdown', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await postgresOutage('fast shutdown', cluster, pacer, OUTAGE_MS);
    rows.push(...result);
    expect(failed(result)).toEqual([]);
    expect(pacer.output).not.toMatch(/Unhandled 'error' event|uncaughtException/);
  }, OUTAGE_MS + 180_000);

  it('PostgreSQL frozen (SIGSTOP)', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await postgresOutage('SIGSTOP', cluster, pacer, OUTAGE_MS);
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, OUTAGE_MS + 180_000);

  it('Redis stopped', async () => {
    if (cluster === undefined || redis === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await redisOutage(redis, cluster, pacer, OUTAGE_MS);
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, OUTAGE_MS + 180_000);

  it('DNC numbers of the next leads added every 150 ms while dialing', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await dncWhileDialing(cluster, pacer, { zones: ZONES.day, everyMs: 150, durationMs: 20_000, perAdd: 1, leads: 3_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 240_000);

  it('pause/resume cycles every few seconds', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await pauseResumeCycles(cluster, pacer, { zones: ZONES.day, cycles: 9, holdMs: 2_000, runMs: 2_500, tickMs: 250, leads: 3_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 240_000);

  it('second numbers in night zones', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await nightSecondNumbers(cluster, pacer, { day: ZONES.day, night: ZONES.night, leads: 480, runMs: 90_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 300_000);

  it('two running campaigns sharing numbers', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await sharedNumbers(cluster, pacer, { day: ZONES.day, leads: 800, runMs: 40_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 300_000);

  it('abandons forced by a fixed ratio: every one hears the identification message', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await forcedAbandons(cluster, pacer, { zones: ZONES.day, ratio: 10, leads: 1_200, runMs: 30_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 300_000);

  it(`SIGTERM with at least ${DRAIN_IN_FLIGHT} calls in flight drains`, async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    // More simulated agents for this step (a graceful restart), so the drain has >= 300 live calls.
    pacer.signal('SIGTERM');
    await pacer.exited;
    await pacer.destroy();
    pacer = await PacerProcess.start(options(DRAIN_AGENTS));
    const result = await sigtermDrain(cluster, pacer, { minInFlight: DRAIN_IN_FLIGHT, waitMs: 120_000 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 420_000);

  it('over the whole run: abandoned calls heard the message, abandons within the cap, no number in two campaigns at once', async () => {
    if (cluster === undefined) throw new Error('setup failed');
    const q = cluster.query.bind(cluster);
    const overlap = await overlappingNumbers(q);
    const result = [
      ...(await abandonInvariants(cluster, 'whole run (every campaign)')),
      row('whole run (every campaign)', '-', '0 numbers ringing from two campaigns at once', overlap.numbers === 0, `${overlap.numbers} numbers`),
    ];
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 120_000);
});
