import { sleep } from './free-port.ts';
import { openRecords, type FaultRow } from './invariants.ts';
import { campaignCommand, createCampaign, importLeads } from './pacer-api.ts';
import type { PacerProcess } from './pacer-process.ts';
import type { PgCluster } from './pg-cluster.ts';
import { row } from './rows.ts';
import { dayLeads, waitForCampaignDials, waitForOriginationsWritten } from './command-faults.ts';
import type { ZoneNumbering } from './zones.ts';

type Query = PgCluster['query'];

/** A live answer counts in the legal window once it holds this many (the simulator's own minimum, docs/pacing.md). */
export const MIN_LIVE_ANSWERS = 30;
const STEP_MS = 10_000;

/**
 * The abandonment rules of the compliance report (`abandonment-report.ts`), in SQL: a live answer is
 * outcome `human`; it is abandoned when the runtime dropped it or an agent came more than 2 s after
 * the greeting (the answer when there is none).
 */
const ABANDONED = `(abandoned OR (agent_connected_at IS NOT NULL AND agent_connected_at - coalesce(greeting_ended_at, answered_at) > interval '2 seconds'))`;

/**
 * Over the whole run: every abandoned call heard the identification message, and every campaign's
 * legal-window abandon rate (30 days: everything since the campaign's first answer) stayed within
 * its cap at every 10 s of the run once the window held {@link MIN_LIVE_ANSWERS} live answers.
 */
export async function abandonInvariants(cluster: PgCluster, fault: string): Promise<FaultRow[]> {
  const q: Query = cluster.query.bind(cluster);
  const silent = await q<{ dropped: string; late: string; all: string }>(`SELECT
      count(*) FILTER (WHERE abandoned AND NOT message_played) AS dropped,
      count(*) FILTER (WHERE NOT abandoned AND ${ABANDONED}) AS late,
      count(*) FILTER (WHERE ${ABANDONED}) AS all
    FROM call_attempts WHERE outcome = 'human'`);
  const dropped = Number(silent[0]?.dropped ?? 0);
  const late = Number(silent[0]?.late ?? 0);
  const abandonedAll = Number(silent[0]?.all ?? 0);

  const answers = await q<{ campaign_id: string; name: string; cap: string; policy: string; at_ms: string; abandoned: boolean }>(`SELECT a.campaign_id, c.name, c.max_abandon_rate::text AS cap, c.pacing_policy AS policy,
      (extract(epoch FROM a.answered_at) * 1000)::text AS at_ms, ${ABANDONED.replace(/\b(abandoned|agent_connected_at|greeting_ended_at|answered_at)\b/g, 'a.$1')} AS abandoned
    FROM call_attempts a JOIN campaigns c ON c.id = a.campaign_id
    WHERE a.outcome = 'human' AND a.answered_at IS NOT NULL ORDER BY a.campaign_id, a.answered_at`);
  const byCampaign = new Map<string, { name: string; cap: number; fixedRatio: boolean; events: { atMs: number; abandoned: boolean }[] }>();
  for (const a of answers) {
    const c = byCampaign.get(a.campaign_id) ?? { name: a.name.replace(/^faults: /, ''), cap: Number(a.cap), fixedRatio: a.policy === 'ratio', events: [] };
    c.events.push({ atMs: Number(a.at_ms), abandoned: a.abandoned });
    byCampaign.set(a.campaign_id, c);
  }
  let over = 0;
  const held: string[] = [];
  const notHeld: string[] = [];
  for (const c of byCampaign.values()) {
    const w = worstWindow(c.events, c.cap);
    const total = c.events.filter((e) => e.abandoned).length;
    const text = `${c.name}: worst ${(w.worstRate * 100).toFixed(1)} % (${w.abandoned}/${w.liveAnswers}), whole run ${total}/${c.events.length}${w.overCap > 0 ? `, over the cap at ${w.overCap} steps` : ''}`;
    // A fixed ratio ignores the abandon budget by design (ratio-policy.ts): reported, not held to the cap.
    if (c.fixedRatio) {
      notHeld.push(text);
      continue;
    }
    if (w.overCap > 0) over++;
    held.push(text);
  }
  return [
    row(fault, '-', 'every abandoned call had its identification message played', dropped === 0 && late === 0, `${abandonedAll} abandoned, ${dropped} without the message, ${late} connected late (> 2 s)`),
    row(fault, '-', `abandons within the cap in every window (legal window every 10 s, from ${MIN_LIVE_ANSWERS} live answers)`, over === 0 && held.length > 0,
      `${held.join('; ')}${notHeld.length > 0 ? `; not held to the cap (fixed ratio, ignores the budget by design): ${notHeld.join('; ')}` : ''}`),
  ];
}

/** The campaign's legal-window rate at every 10 s from its first answer: the worst, and the steps over the cap. */
export function worstWindow(events: readonly { atMs: number; abandoned: boolean }[], cap: number): { worstRate: number; liveAnswers: number; abandoned: number; overCap: number } {
  const out = { worstRate: 0, liveAnswers: 0, abandoned: 0, overCap: 0 };
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) return out;
  let live = 0;
  let abandoned = 0;
  let i = 0;
  for (let t = first.atMs + STEP_MS; ; t += STEP_MS) {
    while (i < events.length && (events[i]?.atMs ?? Infinity) < t) {
      live++;
      if (events[i]?.abandoned === true) abandoned++;
      i++;
    }
    if (live >= MIN_LIVE_ANSWERS) {
      const rate = abandoned / live;
      if (rate > cap + 1e-12) out.overCap++;
      // The first window that counts, then any worse one: a run without abandons reports 0/<live answers>.
      if (rate > out.worstRate || out.liveAnswers === 0) Object.assign(out, { worstRate: rate, liveAnswers: live, abandoned });
    }
    if (t > last.atMs) break;
  }
  return out;
}

/**
 * Abandons on purpose: a campaign on a fixed ratio of `ratio` lines per ready agent (the ratio
 * policy ignores the abandon budget) answers more people than its agents can take, so many live
 * answers are abandoned. Invariant: every one of them heard the identification message.
 */
export async function forcedAbandons(cluster: PgCluster, pacer: PacerProcess, o: { zones: readonly ZoneNumbering[]; ratio: number; leads: number; runMs: number }): Promise<FaultRow[]> {
  const q: Query = cluster.query.bind(cluster);
  const campaignId = await createCampaign(pacer, { name: `faults: ratio ${o.ratio} (abandons)`, ratio: o.ratio });
  await importLeads(pacer, campaignId, dayLeads(o.zones, 6, o.leads));
  const inFlight = await openRecords(q);
  await campaignCommand(pacer, campaignId, 'start');
  await waitForCampaignDials(q, campaignId);
  await sleep(o.runMs);
  await campaignCommand(pacer, campaignId, 'pause');
  await waitForOriginationsWritten(q, campaignId);
  // An abandoned call ends after its message (a few seconds): wait for the ones in progress.
  await sleep(10_000);
  const r = await q<{ live: string; abandoned: string; silent: string }>(`SELECT count(*) AS live, count(*) FILTER (WHERE ${ABANDONED}) AS abandoned,
      count(*) FILTER (WHERE ${ABANDONED} AND NOT (abandoned AND message_played)) AS silent
    FROM call_attempts WHERE campaign_id = $1 AND outcome = 'human' AND ended_at IS NOT NULL`, [campaignId]);
  const live = Number(r[0]?.live ?? 0);
  const abandoned = Number(r[0]?.abandoned ?? 0);
  const silent = Number(r[0]?.silent ?? 0);
  const fault = `fixed ratio ${o.ratio}, more live answers than agents`;
  return [
    row(fault, inFlight, 'every abandoned call had its identification message played', abandoned > 0 && silent === 0, `${abandoned} abandoned of ${live} live answers, ${silent} without the message`),
  ];
}
