import { DateTime } from 'luxon';
import { sleep, waitFor } from './free-port.ts';
import { openRecords, type FaultRow } from './invariants.ts';
import { waitForCampaignDials, waitForOriginationsWritten } from './command-faults.ts';
import { addDncNumbers, campaignCommand, createCampaign, createDncList, importLeads, type LeadRow } from './pacer-api.ts';
import type { PacerProcess } from './pacer-process.ts';
import type { PgCluster } from './pg-cluster.ts';
import { row } from './rows.ts';
import { insideCallingHours, type ZoneNumbering } from './zones.ts';

type Query = PgCluster['query'];

async function count(query: Query, sql: string, params: unknown[]): Promise<number> {
  const rows = await query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

const pick = (zones: readonly ZoneNumbering[], i: number): ZoneNumbering => {
  const z = zones[i % zones.length] ?? zones[0];
  if (z === undefined) throw new Error('no zone to pick from');
  return z;
};

/**
 * Second numbers in night zones: leads whose first number is in a zone where it is day now and
 * whose second is in a zone where it is night (zones computed at run time), and the reverse; some
 * leads' first numbers are on the campaign's DNC list (so the second comes up at once), and some
 * have both numbers in day zones (second numbers are dialed at all). Short retry delays bring every
 * second number up within the test. Invariants: no dial outside the 08:00-21:00 window of the
 * dialed number's own zone; the record and the trail state that zone.
 */
export async function nightSecondNumbers(cluster: PgCluster, pacer: PacerProcess, o: { day: readonly ZoneNumbering[]; night: readonly ZoneNumbering[]; leads: number; runMs: number }): Promise<FaultRow[]> {
  const q = cluster.query.bind(cluster);
  if (o.day.length < 2 || o.night.length === 0) throw new Error(`need two day zones and a night zone, got ${o.day.length} and ${o.night.length}`);
  const zoneOf = new Map<string, string>();
  const rows: LeadRow[] = [];
  const dncFirst: string[] = [];
  const secondNight = new Set<string>();
  const secondDay = new Set<string>();
  for (let i = 0; i < o.leads; i++) {
    const kind = i % 8;
    // 0-3 day / night, 4-5 night / day, 6 day / day, 7 day (on DNC) / night.
    const first = kind === 4 || kind === 5 ? pick(o.night, i) : pick(o.day, i);
    const second = kind === 4 || kind === 5 ? pick(o.day, i) : kind === 6 ? pick(o.day, i + 1) : pick(o.night, i);
    const phone = first.number(3, i);
    const phone2 = second.number(4, i);
    zoneOf.set(phone, first.zone);
    zoneOf.set(phone2, second.zone);
    if (kind === 7) dncFirst.push(phone);
    if (kind === 6) secondDay.add(phone2);
    if (kind <= 3 || kind === 7) secondNight.add(phone2);
    rows.push({ phone, phone2 });
  }
  const listId = await createDncList(pacer, 'faults: night-zone first numbers', 'campaign');
  await addDncNumbers(pacer, listId, dncFirst);
  const campaignId = await createCampaign(pacer, { name: 'faults: second numbers in night zones', dncListIds: [listId], retryDelayMs: 1_000 });
  await importLeads(pacer, campaignId, rows);
  await campaignCommand(pacer, campaignId, 'start');
  await waitForCampaignDials(q, campaignId);
  const inFlight = await openRecords(q);
  // Until most night second numbers came up at the gate (or the run's time is over).
  const nightBlocks = (): Promise<number> => count(q, `SELECT count(*) AS n FROM dial_decisions WHERE campaign_id = $1 AND decision = 'blocked' AND phone = ANY($2::text[])`, [campaignId, [...secondNight]]);
  await waitFor('night second numbers at the gate', async () => ((await nightBlocks()) >= secondNight.size * 0.5 ? true : undefined), o.runMs, 1_000).catch(() => undefined);
  await sleep(2_000);
  await campaignCommand(pacer, campaignId, 'pause');
  await waitForOriginationsWritten(q, campaignId);

  const dials = await q<{ phone: string; originated_at: Date; timezone: string | null }>(`SELECT phone, originated_at, timezone FROM call_attempts
    WHERE campaign_id = $1 AND outcome IS DISTINCT FROM 'not_dialed' AND originated_at IS NOT NULL`, [campaignId]);
  let outside = 0;
  let wrongZone = 0;
  const examples: string[] = [];
  for (const d of dials) {
    const zone = zoneOf.get(d.phone);
    if (zone === undefined || !insideCallingHours(zone, d.originated_at.getTime())) {
      outside++;
      if (examples.length < 3) examples.push(`${zone ?? '?'} ${DateTime.fromJSDate(d.originated_at, { zone: zone ?? 'UTC' }).toFormat('HH:mm')}`);
    }
    if (d.timezone !== zone) wrongZone++;
  }
  const trail = await q<{ phone: string; zone: string | null }>(`SELECT phone, inputs->'zonesEvaluated'->>0 AS zone FROM dial_decisions WHERE campaign_id = $1 AND decision = 'placed'`, [campaignId]);
  const trailWrong = trail.filter((t) => t.zone !== zoneOf.get(t.phone)).length;
  const dialedSecondDay = dials.filter((d) => secondDay.has(d.phone)).length;
  const fault = `second numbers in night zones (${o.night.map((z) => z.zone.split('/')[1] ?? z.zone).join(', ')})`;
  return [
    row(fault, inFlight, "0 dials outside the dialed number's own calling window", outside === 0 && dials.length > 0,
      `${outside} of ${dials.length} dials${examples.length > 0 ? `: ${examples.join(', ')}` : ''}; ${await nightBlocks()} night second numbers blocked, ${dialedSecondDay} day second numbers dialed`),
    row(fault, inFlight, "records and trail state the dialed number's zone", wrongZone === 0 && trailWrong === 0, `${wrongZone} records, ${trailWrong} decisions with another zone`),
  ];
}

/**
 * Two running campaigns sharing numbers: both get the same numbers in the same order and start
 * together, so they reach each number at about the same time. Invariant, over every campaign of
 * the run: no number ringing from two campaigns at once ([originated_at, ended_at] overlapping).
 */
export async function sharedNumbers(cluster: PgCluster, pacer: PacerProcess, o: { day: readonly ZoneNumbering[]; leads: number; runMs: number }): Promise<FaultRow[]> {
  const q = cluster.query.bind(cluster);
  const numbers = Array.from({ length: o.leads }, (_, i) => pick(o.day, i).number(5, i));
  const campaigns: string[] = [];
  for (const name of ['faults: shared numbers A', 'faults: shared numbers B']) {
    const id = await createCampaign(pacer, { name });
    await importLeads(pacer, id, numbers.map((phone) => ({ phone })));
    campaigns.push(id);
  }
  for (const id of campaigns) await campaignCommand(pacer, id, 'start');
  for (const id of campaigns) await waitForCampaignDials(q, id);
  const inFlight = await openRecords(q);
  await sleep(o.runMs);
  const overlapLive = await overlappingNumbers(q);
  for (const id of campaigns) await campaignCommand(pacer, id, 'pause');
  for (const id of campaigns) await waitForOriginationsWritten(q, id);
  const overlap = await overlappingNumbers(q);
  const both = await count(q, `SELECT count(*) AS n FROM (SELECT phone FROM call_attempts WHERE phone = ANY($1::text[]) AND outcome IS DISTINCT FROM 'not_dialed' AND originated_at IS NOT NULL
    GROUP BY phone HAVING count(DISTINCT campaign_id) > 1) s`, [numbers]);
  const liveBlocks = await count(q, `SELECT count(*) AS n FROM dial_decisions WHERE phone = ANY($1::text[]) AND reason = 'number_in_live_call'`, [numbers]);
  const fault = `two campaigns sharing ${numbers.length} numbers`;
  return [
    row(fault, inFlight, '0 numbers ringing from two campaigns at once', overlap.numbers === 0 && overlapLive.numbers === 0,
      `${Math.max(overlap.numbers, overlapLive.numbers)} numbers; ${both} numbers dialed by both campaigns at different times, ${liveBlocks} dials held as number_in_live_call`),
  ];
}

/** Numbers with call records of two campaigns whose [originated_at, ended_at] overlap (open: still live). */
export async function overlappingNumbers(query: Query): Promise<{ numbers: number; pairs: number }> {
  const rows = await query<{ numbers: string; pairs: string }>(`SELECT count(DISTINCT a.phone) AS numbers, count(*) AS pairs
    FROM call_attempts a JOIN call_attempts b ON b.phone = a.phone AND b.campaign_id > a.campaign_id
    WHERE a.originated_at IS NOT NULL AND b.originated_at IS NOT NULL
      AND a.outcome IS DISTINCT FROM 'not_dialed' AND b.outcome IS DISTINCT FROM 'not_dialed'
      AND a.originated_at < coalesce(b.ended_at, 'infinity') AND b.originated_at < coalesce(a.ended_at, 'infinity')`);
  return { numbers: Number(rows[0]?.numbers ?? 0), pairs: Number(rows[0]?.pairs ?? 0) };
}
