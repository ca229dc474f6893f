import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultTable, type FaultRow } from '../faults/support/invariants.ts';
import { PacerProcess, type PacerProcessOptions } from '../faults/support/pacer-process.ts';
import { PgCluster } from '../faults/support/pg-cluster.ts';
import { RedisServer } from '../faults/support/redis-server.ts';
import { killNine, outageMs, postgresOutage, redisOutage, sigtermDrain } from '../faults/support/scenarios.ts';

/**
 * The full fault harness (`npm run faults`; not part of `npm test`, whose short form is
 * tests/faults/outage-and-drain.test.ts): the real `pacer serve` on its own PostgreSQL cluster and its
 * own redis-server, a few hundred simulated agents, and each fault of issue 11 injected mid-campaign:
 * `kill -9` three times, PostgreSQL fast shutdown and SIGSTOP, Redis stopped (each FAULT_OUTAGE_MS,
 * default 30 s), then SIGTERM with calls in flight. It asserts invariants (never speeds), prints one
 * table and writes it to FAULTS_REPORT when that is set (e.g. docs/benchmarks/faults-latest.md).
 */
const OUTAGE_MS = outageMs(30_000);
const AGENTS = Number(process.env.FAULT_AGENTS ?? 200);
const KILLS = Number(process.env.FAULT_KILLS ?? 3);

let cluster: PgCluster | undefined;
let redis: RedisServer | undefined;
let pacer: PacerProcess | undefined;
const rows: FaultRow[] = [];

const options = (): PacerProcessOptions => {
  if (cluster === undefined || redis === undefined) throw new Error('setup failed');
  return { databaseUrl: cluster.url, redisUrl: redis.url, simAgents: AGENTS, nodeId: 'faults-full', drainTimeoutMs: 10_000 };
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
      await writeFile(resolve(report), `# Fault harness run\n\n${new Date().toISOString()}, ${AGENTS} simulated agents, outages of ${OUTAGE_MS} ms, ${KILLS} kills.\n\n${table}\n`);
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

  it('SIGTERM with calls in flight drains', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await sigtermDrain(cluster, pacer, { minInFlight: Math.min(300, AGENTS) });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 240_000);
});
