import { sleep, waitFor } from './free-port.ts';
import { openRecords, type FaultRow } from './invariants.ts';
import { addDncNumbers, campaignCommand, createCampaign, createDncList, importLeads, metricSum } from './pacer-api.ts';
import type { PacerProcess } from './pacer-process.ts';
import type { PgCluster } from './pg-cluster.ts';
import { row } from './rows.ts';
import type { ZoneNumbering } from './zones.ts';

type Query = PgCluster['query'];

/** Leads numbered in day zones, `range` keeping each fault's numbers apart. */
export function dayLeads(zones: readonly ZoneNumbering[], range: number, count: number): { phone: string }[] {
  return Array.from({ length: count }, (_, i) => ({ phone: (zones[i % zones.length] ?? zones[0])?.number(range, i) ?? '' }));
}

/** Waits until the campaign has a call record (it dials). */
export async function waitForCampaignDials(query: Query, campaignId: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`campaign ${campaignId} to dial`, async () => {
    const rows = await query<{ n: string }>('SELECT count(*) AS n FROM call_attempts WHERE campaign_id = $1 AND originated_at IS NOT NULL', [campaignId]);
    return Number(rows[0]?.n ?? 0) > 0 ? true : undefined;
  }, timeoutMs, 250);
}

/**
 * Waits until every call record of the campaign created before now has its `originated_at` or is
 * closed: a dial's originate moment reaches the record at its answer or end (write-behind), so only
 * then can a record be compared with an acknowledgement.
 */
export async function waitForOriginationsWritten(query: Query, campaignId: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(`records of ${campaignId} to carry their originate time`, async () => {
    const rows = await query<{ n: string }>('SELECT count(*) AS n FROM call_attempts WHERE campaign_id = $1 AND originated_at IS NULL AND ended_at IS NULL', [campaignId]);
    return Number(rows[0]?.n ?? 1) === 0 ? true : undefined;
  }, timeoutMs, 500);
}

interface DialRow {
  phone: string;
  originated_ms: string | null;
  created_ms: string;
  outcome: string | null;
}

/** The campaign's dials that went out (every record but `not_dialed`), with their originate moment (ms). */
async function dialsOf(query: Query, campaignId: string): Promise<{ phone: string; atMs: number }[]> {
  const rows = await query<DialRow>(`SELECT phone, (extract(epoch FROM originated_at) * 1000)::text AS originated_ms, (extract(epoch FROM created_at) * 1000)::text AS created_ms, outcome
    FROM call_attempts WHERE campaign_id = $1 AND outcome IS DISTINCT FROM 'not_dialed'`, [campaignId]);
  // A record without its originate moment (none once waitForOriginationsWritten passed) counts from its creation.
  return rows.map((r) => ({ phone: r.phone, atMs: Number(r.originated_ms ?? r.created_ms) }));
}

async function countWhere(query: Query, sql: string, params: unknown[]): Promise<number> {
  const rows = await query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/**
 * DNC numbers added through the API while the campaign dials: every `everyMs`, the numbers of the
 * next `perAdd` leads in line (the ones the next tick leases) go onto the campaign's DNC list. The
 * invariant: no call is originated for a number after its add was acknowledged (the moment the 200
 * came back, on the harness's clock; the record's `originated_at` is the moment of originate).
 */
export async function dncWhileDialing(cluster: PgCluster, pacer: PacerProcess, o: { zones: readonly ZoneNumbering[]; everyMs: number; durationMs: number; perAdd: number; leads: number }): Promise<FaultRow[]> {
  const q = cluster.query.bind(cluster);
  const listId = await createDncList(pacer, 'faults: added while dialing', 'campaign');
  const campaignId = await createCampaign(pacer, { name: 'faults: DNC while dialing', dncListIds: [listId] });
  await importLeads(pacer, campaignId, dayLeads(o.zones, 1, o.leads));
  const inFlight = await openRecords(q);
  // From the start: the first ticks lease the most leads at once, the adds race them.
  await campaignCommand(pacer, campaignId, 'start');
  const ackByNumber = new Map<string, number>();
  const end = Date.now() + o.durationMs;
  let adds = 0;
  while (Date.now() < end) {
    const slot = Date.now() + o.everyMs;
    const next = await q<{ e164: string }>(`SELECT p.e164 FROM leads l
      JOIN lead_phones p ON p.campaign_id = l.campaign_id AND p.lead_id = l.id AND p.position = 1
      WHERE l.campaign_id = $1 AND l.status IN ('leased', 'new') AND NOT p.dnc_flagged AND NOT (p.e164 = ANY($2::text[]))
      ORDER BY l.status = 'leased' DESC, l.id LIMIT $3`, [campaignId, [...ackByNumber.keys()], o.perAdd]);
    const numbers = next.map((r) => r.e164);
    if (numbers.length === 0) break;
    const ackMs = await addDncNumbers(pacer, listId, numbers);
    for (const n of numbers) ackByNumber.set(n, ackMs);
    adds++;
    await sleep(Math.max(0, slot - Date.now()));
  }
  await waitForCampaignDials(q, campaignId);
  await campaignCommand(pacer, campaignId, 'pause');
  await waitForOriginationsWritten(q, campaignId);
  let after = 0;
  let before = 0;
  let worstMs = 0;
  for (const d of await dialsOf(q, campaignId)) {
    const ack = ackByNumber.get(d.phone);
    if (ack === undefined) continue;
    if (d.atMs > ack) {
      after++;
      worstMs = Math.max(worstMs, d.atMs - ack);
    } else before++;
  }
  const blocked = await countWhere(q, `SELECT count(*) AS n FROM dial_decisions WHERE campaign_id = $1 AND reason = 'dnc'`, [campaignId]);
  const stopped = await countWhere(q, `SELECT count(*) AS n FROM dial_decisions WHERE campaign_id = $1 AND reason = 'not_dialed:dnc'`, [campaignId]);
  const closed = await countWhere(q, `SELECT count(*) AS n FROM leads WHERE campaign_id = $1 AND status = 'dnc'`, [campaignId]);
  const fault = `DNC adds every ${o.everyMs} ms for ${Math.round(o.durationMs / 1000)} s`;
  return [
    row(fault, inFlight, '0 calls originated for a number after its DNC add was acknowledged', after === 0 && ackByNumber.size > 0,
      `${after} after${after > 0 ? ` (up to ${Math.round(worstMs)} ms)` : ''}; ${ackByNumber.size} numbers in ${adds} adds, ${before} dialed before their ack, ${blocked} blocked by the gate, ${stopped} stopped by the re-check, ${closed} leads closed as dnc`),
  ];
}

/**
 * Pause/resume cycles through the API while the campaign dials, some slow (paused `holdMs`), some
 * fast (resume sent as soon as the pause answered). Invariants: no call originated between a
 * pause's 200 and the next resume request; one pacing loop afterwards (the tick counter of
 * /metrics grows by at most one tick per period, and the decision trail has no two tick batches
 * closer than a tick period apart unless a resume came between them).
 */
export async function pauseResumeCycles(cluster: PgCluster, pacer: PacerProcess, o: { zones: readonly ZoneNumbering[]; cycles: number; holdMs: number; runMs: number; tickMs: number; leads: number }): Promise<FaultRow[]> {
  const q = cluster.query.bind(cluster);
  const campaignId = await createCampaign(pacer, { name: 'faults: pause/resume cycles' });
  await importLeads(pacer, campaignId, dayLeads(o.zones, 2, o.leads));
  await campaignCommand(pacer, campaignId, 'start');
  await waitForCampaignDials(q, campaignId);
  await sleep(2_000);
  const inFlight = await openRecords(q);
  const startedMs = Date.now();
  const paused: { fromMs: number; toMs: number }[] = [];
  for (let k = 0; k < o.cycles; k++) {
    const fast = k % 3 === 2;
    const fromMs = await campaignCommand(pacer, campaignId, 'pause');
    if (!fast) await sleep(o.holdMs);
    const toMs = Date.now();
    paused.push({ fromMs, toMs });
    await campaignCommand(pacer, campaignId, 'start');
    await sleep(fast ? 100 : o.runMs);
  }
  // One loop: ticks over a measured stretch after the last resume.
  const measureMs = 10_000;
  const ticks0 = await metricSum(pacer, 'pacer_pacing_tick_seconds_count', { campaign_id: campaignId, part: 'total' });
  const measuredFromMs = Date.now();
  await sleep(measureMs);
  const ticks1 = await metricSum(pacer, 'pacer_pacing_tick_seconds_count', { campaign_id: campaignId, part: 'total' });
  const measuredMs = Date.now() - measuredFromMs;
  const maxTicks = Math.floor(measuredMs / o.tickMs) + 2;
  await campaignCommand(pacer, campaignId, 'pause');
  const endMs = Date.now();
  await waitForOriginationsWritten(q, campaignId);

  const dials = await dialsOf(q, campaignId);
  const inPause = dials.filter((d) => paused.some((p) => d.atMs > p.fromMs && d.atMs < p.toMs));
  const during = dials.filter((d) => d.atMs >= startedMs && d.atMs <= endMs).length;
  // Tick batches of the trail (a batch's decisions share the tick's time; re-check stops excluded).
  const batches = (await q<{ ms: string }>(`SELECT DISTINCT (extract(epoch FROM decided_at) * 1000)::text AS ms FROM dial_decisions
      WHERE campaign_id = $1 AND (reason IS NULL OR reason NOT LIKE 'not_dialed:%') AND decided_at >= to_timestamp($2::double precision / 1000) AND decided_at <= to_timestamp($3::double precision / 1000)`,
    [campaignId, startedMs, endMs])).map((r) => Number(r.ms)).sort((a, b) => a - b);
  const resumes = paused.map((p) => p.toMs);
  let close = 0;
  for (let i = 1; i < batches.length; i++) {
    const prev = batches[i - 1] ?? 0;
    const cur = batches[i] ?? 0;
    if (cur - prev < o.tickMs * 0.8 && !resumes.some((r) => r > prev - 50 && r <= cur)) close++;
  }
  const fault = `pause/resume x${o.cycles} (${Math.round(o.holdMs / 1000)} s paused, every 3rd at once)`;
  return [
    row(fault, inFlight, '0 calls originated between a pause 200 and the next resume request', inPause.length === 0 && during > 0, `${inPause.length} in pauses; ${during} dials during the cycles`),
    row(fault, inFlight, 'one pacing loop: ticks per period after the cycles', ticks1 - ticks0 <= maxTicks && ticks1 > ticks0, `${ticks1 - ticks0} ticks in ${(measuredMs / 1000).toFixed(1)} s, at most ${maxTicks}`),
    row(fault, inFlight, 'one pacing loop: no two tick batches of the trail closer than a tick period', close === 0 && batches.length > 0, `${close} of ${batches.length} batches`),
  ];
}
