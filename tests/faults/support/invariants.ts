import type { PgCluster } from './pg-cluster.ts';

type Query = PgCluster['query'];

async function count(query: Query, sql: string): Promise<number> {
  const rows = await query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 'NaN');
}

/** `placed` decisions with no call record: a dial the trail says happened but nothing recorded. */
export function placedWithoutRecord(query: Query): Promise<number> {
  return count(query, `SELECT count(*) AS n FROM dial_decisions d
    WHERE d.decision = 'placed' AND (d.attempt_id IS NULL OR NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.id = d.attempt_id))`);
}

/** Call records still open (no `ended_at`). */
export function openRecords(query: Query): Promise<number> {
  return count(query, 'SELECT count(*) AS n FROM call_attempts WHERE ended_at IS NULL');
}

/** Leads left `in_call` or `leased`. */
export function stuckLeads(query: Query): Promise<number> {
  return count(query, `SELECT count(*) AS n FROM leads WHERE status IN ('in_call', 'leased')`);
}

/** Leads exhausted whose last outcome is the `unknown` a crash recovery writes. */
export function leadsExhaustedByRecovery(query: Query): Promise<number> {
  return count(query, `SELECT count(*) AS n FROM leads WHERE status = 'exhausted' AND last_outcome = 'unknown'`);
}

export function callRecords(query: Query): Promise<number> {
  return count(query, 'SELECT count(*) AS n FROM call_attempts');
}

/** Call records originated after `sinceMs` (wall clock). */
export function recordsOriginatedSince(query: Query, sinceMs: number): Promise<number> {
  return count(query, `SELECT count(*) AS n FROM call_attempts WHERE originated_at >= to_timestamp(${Math.floor(sinceMs) / 1000})`);
}

export interface FaultRow {
  fault: string;
  callsInFlight: number | string;
  invariant: string;
  result: 'pass' | 'FAIL' | 'known failure';
  detail?: string;
}

/** The fault table as Markdown: one line per (fault, invariant). */
export function faultTable(rows: readonly FaultRow[]): string {
  const lines = ['| fault | calls in flight | invariant | result |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.fault} | ${r.callsInFlight} | ${r.invariant} | ${r.result}${r.detail === undefined ? '' : ` (${r.detail})`} |`);
  return lines.join('\n');
}
