import { sql, type Kysely } from 'kysely';
import type { AbandonmentCounts } from '../../../domain/compliance/abandonment-report.ts';
import type { Database } from '../database.ts';

/** One UTC day of one campaign. */
export interface DailySummaryRow {
  day: string;
  dials: number;
  contacts: number;
  liveAnswers: number;
  abandoned: number;
  amd: { human: number; machine: number; unknown: number };
  talkSec: number;
  agentsOnCalls: number;
}

/** One agent's calls in a range. */
export interface AgentSummaryRow {
  agentId: string;
  agentName: string;
  calls: number;
  talkSec: number;
  avgTalkSec: number;
  avgAnswerToConnectMs: number | null;
  dispositions: Record<string, number>;
}

/**
 * The SQL form of the abandonment rule of `domain/compliance/abandonment-report.ts`
 * (`isAbandonedLiveAnswer`); tests check both agree.
 */
const ABANDONED = sql<boolean>`(outcome = 'human' AND (abandoned OR (agent_connected_at IS NOT NULL AND COALESCE(greeting_ended_at, answered_at) IS NOT NULL
  AND agent_connected_at - COALESCE(greeting_ended_at, answered_at) > interval '2 seconds')))`;

/**
 * Aggregates over call records for compliance and operations reports. Ranges are `[from, to)` on
 * `originated_at`, the same as the call-record export.
 *
 * @example
 * ```ts
 * const counts = await reports.abandonmentCounts(campaignId, fromMs, toMs);
 * ```
 */
export class ReportRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** When the campaign was created (its first possible call), or undefined when it does not exist. */
  async campaignStartMs(campaignId: string): Promise<number | undefined> {
    const row = await this.#db.selectFrom('campaigns').select('created_at').where('id', '=', campaignId).executeTakeFirst();
    return row?.created_at.getTime();
  }

  /** The campaign's AMD false-positive estimate and its evidence (the UK figure's rate), or undefined when it does not exist. */
  async amdFalsePositiveEstimate(campaignId: string): Promise<{ rate: number; source: 'configured' | 'measured'; amdEnabled: boolean } | undefined> {
    const row = await this.#db.selectFrom('campaigns').select(['amd_false_positive_rate', 'amd_false_positive_source', 'amd']).where('id', '=', campaignId).executeTakeFirst();
    if (row === undefined) return undefined;
    const amd = row.amd as { enabled?: unknown } | null;
    return { rate: Number(row.amd_false_positive_rate), source: row.amd_false_positive_source, amdEnabled: amd?.enabled !== false };
  }

  async abandonmentCounts(campaignId: string, fromMs: number, toMs: number): Promise<AbandonmentCounts> {
    const r = await sql<{ live: string; abandoned: string; with_message: string; machine: string; amd_human: string }>`
      SELECT count(*) FILTER (WHERE outcome = 'human') AS live,
             count(*) FILTER (WHERE outcome = 'human' AND amd_result = 'human') AS amd_human,
             count(*) FILTER (WHERE ${ABANDONED}) AS abandoned,
             count(*) FILTER (WHERE ${ABANDONED} AND message_played) AS with_message,
             count(*) FILTER (WHERE outcome = 'machine' AND amd_result = 'machine') AS machine
      FROM call_attempts
      WHERE campaign_id = ${campaignId} AND originated_at >= ${new Date(fromMs)} AND originated_at < ${new Date(toMs)}`.execute(this.#db);
    const row = r.rows[0];
    return {
      liveAnswers: Number(row?.live ?? 0),
      abandoned: Number(row?.abandoned ?? 0),
      abandonedWithMessage: Number(row?.with_message ?? 0),
      amdMachineDetections: Number(row?.machine ?? 0),
      amdPassedHumans: Number(row?.amd_human ?? 0),
    };
  }

  async daily(campaignId: string, fromMs: number, toMs: number): Promise<DailySummaryRow[]> {
    const r = await sql<{ day: string; dials: string; contacts: string; live: string; abandoned: string; amd_human: string; amd_machine: string; amd_unknown: string; talk_sec: string | null; agents: string }>`
      SELECT to_char(originated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             -- A not_dialed record (stopped by the re-check before originate) never reached the network.
             count(*) FILTER (WHERE outcome IS DISTINCT FROM 'not_dialed') AS dials,
             count(*) FILTER (WHERE answered_at IS NOT NULL) AS contacts,
             count(*) FILTER (WHERE outcome = 'human') AS live,
             count(*) FILTER (WHERE ${ABANDONED}) AS abandoned,
             count(*) FILTER (WHERE amd_result = 'human') AS amd_human,
             count(*) FILTER (WHERE amd_result = 'machine') AS amd_machine,
             count(*) FILTER (WHERE amd_result = 'unknown') AS amd_unknown,
             sum(extract(epoch FROM ended_at - agent_connected_at)) FILTER (WHERE agent_connected_at IS NOT NULL AND ended_at IS NOT NULL) AS talk_sec,
             count(DISTINCT agent_id) AS agents
      FROM call_attempts
      WHERE campaign_id = ${campaignId} AND originated_at >= ${new Date(fromMs)} AND originated_at < ${new Date(toMs)}
      GROUP BY 1 ORDER BY 1`.execute(this.#db);
    return r.rows.map((x) => ({
      day: x.day,
      dials: Number(x.dials),
      contacts: Number(x.contacts),
      liveAnswers: Number(x.live),
      abandoned: Number(x.abandoned),
      amd: { human: Number(x.amd_human), machine: Number(x.amd_machine), unknown: Number(x.amd_unknown) },
      talkSec: Math.round(Number(x.talk_sec ?? 0)),
      agentsOnCalls: Number(x.agents),
    }));
  }

  async agents(fromMs: number, toMs: number, campaignId?: string): Promise<AgentSummaryRow[]> {
    const campaignFilter = campaignId === undefined ? sql`` : sql`AND a.campaign_id = ${campaignId}`;
    const r = await sql<{ agent_id: string; name: string; calls: string; talk_sec: string | null; connect_ms: string | null; dispositions: Record<string, string> | null }>`
      SELECT a.agent_id, g.name, count(*) AS calls,
             sum(extract(epoch FROM a.ended_at - a.agent_connected_at)) FILTER (WHERE a.agent_connected_at IS NOT NULL AND a.ended_at IS NOT NULL) AS talk_sec,
             avg(extract(epoch FROM a.agent_connected_at - a.answered_at) * 1000) FILTER (WHERE a.agent_connected_at IS NOT NULL AND a.answered_at IS NOT NULL) AS connect_ms,
             (SELECT jsonb_object_agg(d, n) FROM (SELECT a2.disposition AS d, count(*) AS n FROM call_attempts a2
                WHERE a2.agent_id = a.agent_id AND a2.disposition IS NOT NULL AND a2.originated_at >= ${new Date(fromMs)} AND a2.originated_at < ${new Date(toMs)}
                ${campaignId === undefined ? sql`` : sql`AND a2.campaign_id = ${campaignId}`}
                GROUP BY a2.disposition) s) AS dispositions
      FROM call_attempts a JOIN agents g ON g.id = a.agent_id
      WHERE a.originated_at >= ${new Date(fromMs)} AND a.originated_at < ${new Date(toMs)} ${campaignFilter}
      GROUP BY a.agent_id, g.name ORDER BY g.name, a.agent_id`.execute(this.#db);
    return r.rows.map((x) => {
      const calls = Number(x.calls);
      const talkSec = Math.round(Number(x.talk_sec ?? 0));
      return {
        agentId: x.agent_id,
        agentName: x.name,
        calls,
        talkSec,
        avgTalkSec: calls === 0 ? 0 : Math.round(talkSec / calls),
        avgAnswerToConnectMs: x.connect_ms === null ? null : Math.round(Number(x.connect_ms)),
        dispositions: Object.fromEntries(Object.entries(x.dispositions ?? {}).map(([k, v]) => [k, Number(v)])),
      };
    });
  }
}
