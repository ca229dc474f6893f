import type { FaultRow } from './invariants.ts';
import { leadsExhaustedByRecovery, openRecords, placedWithoutRecord, recordsOriginatedSince, stuckLeads } from './invariants.ts';
import { sleep, waitFor } from './free-port.ts';
import type { PacerProcess, PacerProcessOptions } from './pacer-process.ts';
import type { PgCluster } from './pg-cluster.ts';
import type { RedisServer } from './redis-server.ts';
import { row } from './rows.ts';

/** How long each outage lasts: FAULT_OUTAGE_MS, default 30 s (the CI test passes a few seconds). */
export function outageMs(fallbackMs: number): number {
  const v = Number(process.env.FAULT_OUTAGE_MS ?? fallbackMs);
  return Number.isFinite(v) && v > 0 ? v : fallbackMs;
}


/** Waits until the process has dialed since `sinceMs` (a new call record). */
export async function waitForDials(cluster: PgCluster, sinceMs: number, timeoutMs: number): Promise<boolean> {
  try {
    await waitFor('a dial', async () => ((await recordsOriginatedSince(cluster.query.bind(cluster), sinceMs)) > 0 ? true : undefined), timeoutMs, 250);
    return true;
  } catch {
    return false;
  }
}

/** Probes /readyz and /metrics while an outage lasts: the worst answer time and the statuses seen. */
async function probeDuring(pacer: PacerProcess, durationMs: number): Promise<{ readyzWorstMs: number; readyzStatuses: Set<number>; metricsWorstMs: number; metricsStatuses: Set<number>; alive: boolean }> {
  const end = Date.now() + durationMs;
  const out = { readyzWorstMs: 0, readyzStatuses: new Set<number>(), metricsWorstMs: 0, metricsStatuses: new Set<number>(), alive: true };
  // The first probe lands a moment after the fault, then every ~second until the outage ends.
  await sleep(Math.min(500, durationMs / 4));
  do {
    const readyz = await pacer.get('/readyz', 5_000).catch(() => ({ status: 0, tookMs: 5_000 }));
    out.readyzWorstMs = Math.max(out.readyzWorstMs, readyz.tookMs);
    out.readyzStatuses.add(readyz.status);
    const metrics = await pacer.get('/metrics', 5_000).catch(() => ({ status: 0, tookMs: 5_000 }));
    out.metricsWorstMs = Math.max(out.metricsWorstMs, metrics.tookMs);
    out.metricsStatuses.add(metrics.status);
    out.alive &&= pacer.alive;
    await sleep(Math.max(0, Math.min(1_000, end - Date.now())));
  } while (Date.now() < end);
  return out;
}

/**
 * A PostgreSQL outage (`pg_ctl stop -m fast`, or SIGSTOP on every server process) of `durationMs`
 * while the campaign dials: the process stays alive, /readyz answers 503 within 1 s, /metrics
 * answers within 1 s, and once the server is back the process dials again.
 */
export async function postgresOutage(kind: 'fast shutdown' | 'SIGSTOP', cluster: PgCluster, pacer: PacerProcess, durationMs: number): Promise<FaultRow[]> {
  const fault = `PostgreSQL ${kind} ${Math.round(durationMs / 1000)} s`;
  const inFlight = await openRecords(cluster.query.bind(cluster));
  if (kind === 'fast shutdown') await cluster.stopFast();
  else await cluster.freeze();
  let probe;
  try {
    probe = await probeDuring(pacer, durationMs);
  } finally {
    if (kind === 'fast shutdown') await cluster.start();
    else await cluster.thaw();
  }
  await cluster.ready();
  const backMs = Date.now();
  const readyAgain = await waitFor('/readyz 200', async () => ((await pacer.get('/readyz')).status === 200 ? true : undefined), 60_000).then(() => true, () => false);
  const dialsAgain = await waitForDials(cluster, backMs, 60_000);
  return [
    row(fault, inFlight, 'process alive during and after the outage', probe.alive && pacer.alive),
    row(fault, inFlight, '/readyz answers 503 within 1 s during the outage', probe.readyzStatuses.has(503) && !probe.readyzStatuses.has(200) && probe.readyzWorstMs < 1_000, `worst ${probe.readyzWorstMs} ms, statuses ${[...probe.readyzStatuses].join('/')}`),
    row(fault, inFlight, '/metrics answers within 1 s during the outage', [...probe.metricsStatuses].every((s) => s === 200) && probe.metricsWorstMs < 1_000, `worst ${probe.metricsWorstMs} ms`),
    row(fault, inFlight, '/readyz 200 again once the database is back', readyAgain),
    row(fault, inFlight, 'dials again once the database is back', dialsAgain),
  ];
}

/** Redis (the lease and queue backend) stopped for `durationMs`: alive, /readyz 503, dials again after. */
export async function redisOutage(redis: RedisServer, cluster: PgCluster, pacer: PacerProcess, durationMs: number): Promise<FaultRow[]> {
  const fault = `Redis stopped ${Math.round(durationMs / 1000)} s`;
  const inFlight = await openRecords(cluster.query.bind(cluster));
  await redis.stop();
  let probe;
  try {
    probe = await probeDuring(pacer, durationMs);
  } finally {
    await redis.start();
  }
  const backMs = Date.now();
  const dialsAgain = await waitForDials(cluster, backMs, 60_000);
  return [
    row(fault, inFlight, 'process alive during and after the outage', probe.alive && pacer.alive),
    row(fault, inFlight, '/readyz answers 503 within 1 s during the outage', probe.readyzStatuses.has(503) && probe.readyzWorstMs < 1_000, `worst ${probe.readyzWorstMs} ms, statuses ${[...probe.readyzStatuses].join('/')}`),
    row(fault, inFlight, '/metrics answers within 1 s during the outage', [...probe.metricsStatuses].every((s) => s === 200) && probe.metricsWorstMs < 1_000, `worst ${probe.metricsWorstMs} ms`),
    row(fault, inFlight, 'dials again once Redis is back', dialsAgain),
  ];
}

/**
 * SIGTERM with calls in flight: the process drains (PACER_DRAIN_TIMEOUT_MS), hangs up the rest,
 * flushes and exits 0; no record is left open, no lead `in_call`/`leased`, no placed decision
 * without its record.
 */
export async function sigtermDrain(cluster: PgCluster, pacer: PacerProcess, options: { minInFlight: number; waitMs?: number }): Promise<FaultRow[]> {
  const q = cluster.query.bind(cluster);
  await waitFor(`${options.minInFlight} calls in flight`, async () => ((await openRecords(q)) >= options.minInFlight ? true : undefined), options.waitMs ?? 60_000, 100).catch(() => undefined);
  const inFlight = await openRecords(q);
  pacer.signal('SIGTERM');
  const exit = await Promise.race([pacer.exited, sleep(120_000).then(() => undefined)]);
  const fault = 'SIGTERM (drain)';
  return [
    row(fault, inFlight, `at least ${options.minInFlight} calls in flight at the signal`, inFlight >= options.minInFlight, `${inFlight}`),
    row(fault, inFlight, 'process exits 0', exit?.code === 0, exit === undefined ? 'did not exit within 120 s' : `code ${String(exit.code)}, signal ${String(exit.signal)}`),
    row(fault, inFlight, '0 records left open after the drain', (await openRecords(q)) === 0, `${await openRecords(q)} open`),
    row(fault, inFlight, '0 leads in_call/leased after the drain', (await stuckLeads(q)) === 0, `${await stuckLeads(q)} stuck`),
    row(fault, inFlight, '0 placed decisions without a record', (await placedWithoutRecord(q)) === 0),
  ];
}

/**
 * `kill -9` mid-campaign, `times` times, each followed by a restart on the same node id: no placed
 * decision without a record, no lead exhausted by recovery, records closed by recovery, dialing again.
 */
export async function killNine(cluster: PgCluster, start: () => Promise<PacerProcess>, first: PacerProcess, times: number): Promise<{ rows: FaultRow[]; last: PacerProcess }> {
  const q = cluster.query.bind(cluster);
  const rows: FaultRow[] = [];
  let pacer = first;
  for (let k = 1; k <= times; k++) {
    await waitForDials(cluster, Date.now() - 60_000, 60_000);
    const inFlight = await openRecords(q);
    pacer.signal('SIGKILL');
    await pacer.exited;
    await pacer.destroy();
    pacer = await start();
    const restartedMs = Date.now();
    const dialsAgain = await waitForDials(cluster, restartedMs, 60_000);
    const fault = `kill -9 #${k} + restart`;
    rows.push(
      row(fault, inFlight, '0 placed decisions without a record', (await placedWithoutRecord(q)) === 0, `${await placedWithoutRecord(q)} without`),
      row(fault, inFlight, '0 leads exhausted by recovery', (await leadsExhaustedByRecovery(q)) === 0, `${await leadsExhaustedByRecovery(q)} exhausted`),
      row(fault, inFlight, 'dials again after the restart', dialsAgain),
    );
  }
  return { rows, last: pacer };
}

export type StartPacer = (overrides?: Partial<PacerProcessOptions>) => Promise<PacerProcess>;
