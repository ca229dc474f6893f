import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacerProcess } from './support/pacer-process.ts';
import { PgCluster } from './support/pg-cluster.ts';
import { faultTable, type FaultRow } from './support/invariants.ts';
import { postgresOutage, sigtermDrain, waitForDials } from './support/scenarios.ts';

/**
 * The short CI form of the fault harness (`npm run faults` is the full one): a real `pacer serve`
 * child process on its own PostgreSQL cluster survives a fast shutdown and a freeze (SIGSTOP) of
 * the server, answers /readyz and /metrics during them, dials again after, and drains on SIGTERM.
 */
const OUTAGE_MS = 3_000;

let cluster: PgCluster | undefined;
let pacer: PacerProcess | undefined;
const rows: FaultRow[] = [];

beforeAll(async () => {
  cluster = await PgCluster.create();
  pacer = await PacerProcess.start({ databaseUrl: cluster.url, simAgents: 20, nodeId: 'faults-ci', drainTimeoutMs: 2_000 });
}, 120_000);

afterAll(async () => {
  await pacer?.destroy();
  await cluster?.destroy();
  if (rows.length > 0) process.stdout.write(`\n${faultTable(rows)}\n`);
}, 60_000);

const failed = (r: readonly FaultRow[]): FaultRow[] => r.filter((x) => x.result !== 'pass');

describe('pacer serve under PostgreSQL faults (real processes)', () => {
  it('dials on its own cluster', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    expect(await waitForDials(cluster, Date.now() - 60_000, 60_000)).toBe(true);
  }, 70_000);

  it('survives a fast shutdown of PostgreSQL and recovers', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await postgresOutage('fast shutdown', cluster, pacer, OUTAGE_MS);
    rows.push(...result);
    expect(failed(result)).toEqual([]);
    expect(pacer.output).not.toMatch(/Unhandled 'error' event|uncaughtException/);
  }, 150_000);

  it('survives PostgreSQL frozen by SIGSTOP and recovers', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await postgresOutage('SIGSTOP', cluster, pacer, OUTAGE_MS);
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 150_000);

  it('drains on SIGTERM: exits 0 with every record closed and no lead left in a call', async () => {
    if (cluster === undefined || pacer === undefined) throw new Error('setup failed');
    const result = await sigtermDrain(cluster, pacer, { minInFlight: 5 });
    rows.push(...result);
    expect(failed(result)).toEqual([]);
  }, 150_000);
});
