import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { resolveReportWindow, ukAbandonment } from '../../../domain/compliance/abandonment-report.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { Clock } from '../../../domain/ports/clock.ts';
import type { ReportRepository } from '../../db/repositories/report-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface ReportsRoutesOptions {
  reports: ReportRepository;
  clock: Clock;
  /** Longest from/to range, days. Default 366. */
  maxRangeDays?: number;
}

const DAY_MS = 86_400_000;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const AbandonmentReport = Type.Object({
  campaignId: Type.String(),
  window: Type.String({ description: '30d, 24h or range' }),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  liveAnswers: Type.Integer({ description: 'calls answered by a person (outcome human)' }),
  abandoned: Type.Integer({ description: 'live answers not connected to an agent within 2 s of the end of the greeting (AMD false drops included when known)' }),
  rate: Type.Number({ description: 'US rule: abandoned / liveAnswers over the window (47 CFR 64.1200(a)(7))' }),
  messagePlayedShare: Type.Number({ description: 'share of abandoned calls that heard the abandonment message' }),
  uk: Type.Object({
    amdMachineDetections: Type.Integer(),
    amdPassedHumans: Type.Integer({ description: 'live answers the AMD passed as human (the base of the estimate)' }),
    amdFalsePositiveRate: Type.Number({ description: "the campaign's reasoned estimate (share of live people the AMD classifies as machines), or the request's" }),
    amdFalsePositiveSource: Type.Union([Type.Literal('configured'), Type.Literal('measured'), Type.Literal('request')], { description: "the estimate's evidence: the campaign's setting (configured / measured) or the request's what-if" }),
    estimatedAmdFalsePositives: Type.Number({ description: 'amdPassedHumans x rate / (1 - rate), as the abandon ledger counts them' }),
    rate: Type.Number({ description: 'Ofcom: (abandoned + estimated AMD false positives) / (live answers + estimated AMD false positives)' }),
  }),
});

const RangeQuery = {
  from: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, inclusive' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, exclusive' })),
};

/**
 * Compliance and operations reports: `GET /v1/reports/abandonment` (US and UK rules),
 * `GET /v1/reports/daily` (per campaign and UTC day) and `GET /v1/reports/agents`.
 *
 * @example
 * ```ts
 * // GET /v1/reports/abandonment?campaignId=<id>&window=30d -> { liveAnswers, abandoned, rate, uk: { rate, ... }, ... }
 * await v1.register(reportsRoutes, { reports: new ReportRepository(db), clock });
 * ```
 */
const reportsRoutes: FastifyPluginAsyncTypebox<ReportsRoutesOptions> = async function reportsRoutes(app, opts) {
  const maxRangeMs = (opts.maxRangeDays ?? 366) * DAY_MS;
  const campaignStart = async (campaignId: string): Promise<number> => {
    const startMs = await opts.reports.campaignStartMs(campaignId);
    if (startMs === undefined) throw new PacerError('NOT_FOUND', `campaignId: campaign ${campaignId} not found`, { issues: [{ field: 'campaignId', reason: 'no such campaign' }] });
    return startMs;
  };
  /** Daily and agent reports: from/to, or the last 7 days. */
  const range = (q: { from?: string | undefined; to?: string | undefined }): { fromMs: number; toMs: number } => {
    const nowMs = opts.clock.nowMs();
    if (q.from === undefined && q.to === undefined) return { fromMs: nowMs - 7 * DAY_MS, toMs: nowMs };
    return resolveReportWindow({ window: 'range', from: q.from, to: q.to ?? new Date(nowMs).toISOString() }, nowMs, { maxRangeMs });
  };

  app.get('/reports/abandonment', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags: ['reports'],
      summary: 'Abandonment rate of a campaign (US 30-day and UK 24-hour rules)',
      querystring: Type.Object({
        campaignId: Type.String({ format: 'uuid' }),
        window: Type.Optional(Type.String({ description: '30d, 24h, or omit and give from/to' })),
        ...RangeQuery,
        amdFalsePositiveRate: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: "what-if: this rate instead of the campaign's amdFalsePositiveRate for the UK figure" })),
      }, { additionalProperties: false }),
      response: { 200: AbandonmentReport, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const q = request.query;
    const startMs = await campaignStart(q.campaignId);
    const w = resolveReportWindow(q, opts.clock.nowMs(), { campaignStartMs: startMs, maxRangeMs });
    const counts = await opts.reports.abandonmentCounts(q.campaignId, w.fromMs, w.toMs);
    const estimate = await opts.reports.amdFalsePositiveEstimate(q.campaignId);
    const uk = q.amdFalsePositiveRate !== undefined
      ? ukAbandonment(counts, q.amdFalsePositiveRate, 'request')
      : ukAbandonment(counts, estimate?.amdEnabled === false ? 0 : (estimate?.rate ?? 0), estimate?.source ?? 'configured');
    return {
      campaignId: q.campaignId,
      window: w.window,
      from: new Date(w.fromMs).toISOString(),
      to: new Date(w.toMs).toISOString(),
      liveAnswers: counts.liveAnswers,
      abandoned: counts.abandoned,
      rate: counts.liveAnswers === 0 ? 0 : counts.abandoned / counts.liveAnswers,
      messagePlayedShare: counts.abandoned === 0 ? 0 : counts.abandonedWithMessage / counts.abandoned,
      uk,
    };
  });

  app.get('/reports/daily', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags: ['reports'],
      summary: 'Per-campaign daily summary (UTC days): dials, contacts, abandons, AMD results, talk time',
      querystring: Type.Object({ campaignId: Type.String({ format: 'uuid' }), ...RangeQuery }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          campaignId: Type.String(),
          from: Type.String({ format: 'date-time' }),
          to: Type.String({ format: 'date-time' }),
          days: Type.Array(Type.Object({
            day: Type.String({ format: 'date' }),
            dials: Type.Integer(),
            contacts: Type.Integer(),
            liveAnswers: Type.Integer(),
            abandoned: Type.Integer(),
            amd: Type.Object({ human: Type.Integer(), machine: Type.Integer(), unknown: Type.Integer() }),
            talkSec: Type.Integer(),
            agentsOnCalls: Type.Integer(),
          })),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const q = request.query;
    await campaignStart(q.campaignId);
    const r = range(q);
    return { campaignId: q.campaignId, from: new Date(r.fromMs).toISOString(), to: new Date(r.toMs).toISOString(), days: await opts.reports.daily(q.campaignId, r.fromMs, r.toMs) };
  });

  app.get('/reports/agents', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags: ['reports'],
      summary: 'Per-agent summary: calls, talk time, answer-to-connect, dispositions',
      querystring: Type.Object({ campaignId: Type.Optional(Type.String({ format: 'uuid' })), ...RangeQuery }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          from: Type.String({ format: 'date-time' }),
          to: Type.String({ format: 'date-time' }),
          agents: Type.Array(Type.Object({
            agentId: Type.String(),
            agentName: Type.String(),
            calls: Type.Integer(),
            talkSec: Type.Integer(),
            avgTalkSec: Type.Integer(),
            avgAnswerToConnectMs: Nullable(Type.Integer()),
            dispositions: Type.Record(Type.String(), Type.Integer()),
          })),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const q = request.query;
    if (q.campaignId !== undefined) await campaignStart(q.campaignId);
    const r = range(q);
    return { from: new Date(r.fromMs).toISOString(), to: new Date(r.toMs).toISOString(), agents: await opts.reports.agents(r.fromMs, r.toMs, q.campaignId) };
  });
};

export default reportsRoutes;
