import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { diagnoseCampaign } from '../../../domain/campaign/campaign-diagnosis.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { CampaignLiveStats } from '../../../domain/ports/campaign-live-stats.ts';
import type { Clock } from '../../../domain/ports/clock.ts';
import type { CampaignDiagnosticsRepository } from '../../db/repositories/campaign-diagnostics-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface CampaignDiagnosticsRoutesOptions {
  diagnostics: CampaignDiagnosticsRepository;
  clock: Clock;
  live: (campaignId: string) => CampaignLiveStats | undefined;
}

/** Blocked decisions this recent are reported. */
const RECENT_MIN = 15;
const Counts = Type.Record(Type.String(), Type.Integer());

/**
 * `GET /v1/campaigns/{id}/diagnostics`: why the campaign dials or does not, in words a manager
 * acts on (no agent ready, no lead due and when the next one is, the calling hours holding dials,
 * numbers without a zone under the `deny` policy, the abandon budget spent), with the facts behind.
 */
const campaignDiagnosticsRoutes: FastifyPluginAsyncTypebox<CampaignDiagnosticsRoutesOptions> = async function campaignDiagnosticsRoutes(app, opts) {
  app.get('/campaigns/:id/diagnostics', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags: ['campaigns'], summary: "Why isn't it dialing? Findings, most blocking first, and the facts behind them",
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: {
        200: Type.Object({
          campaignId: Type.String(),
          at: Type.String({ format: 'date-time' }),
          findings: Type.Array(Type.Object({ code: Type.String(), severity: Type.Enum(['blocking', 'warning', 'info']), message: Type.String() })),
          facts: Type.Object({
            status: Type.String(), runningHere: Type.Boolean(), agentsByState: Counts, leadsByStatus: Counts, dueNow: Type.Integer(),
            nextDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), recentBlocked: Counts, recentWindowMin: Type.Integer(),
            unresolvedZoneNumbers: Type.Integer(), unknownZonePolicy: Type.String(), pacingReason: Type.Union([Type.String(), Type.Null()]), liveCalls: Type.Integer(),
          }),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const nowMs = opts.clock.nowMs();
    const stored = await opts.diagnostics.facts(request.params.id, nowMs, RECENT_MIN * 60_000);
    if (stored === undefined) throw new PacerError('NOT_FOUND', `campaign ${request.params.id} not found`);
    const live = opts.live(request.params.id);
    // The node running the campaign knows its agents better than the table (written behind).
    const facts = {
      ...stored,
      runningHere: live !== undefined,
      agentsByState: live?.agentsByState ?? stored.agentsByState,
      recentWindowMin: RECENT_MIN,
      pacingReason: live?.lastDecision?.reason ?? null,
      liveCalls: live?.liveCalls ?? 0,
    };
    return {
      campaignId: request.params.id,
      at: new Date(nowMs).toISOString(),
      findings: diagnoseCampaign(facts),
      facts: { ...facts, nextDueAt: facts.nextDueAtMs === null ? null : new Date(facts.nextDueAtMs).toISOString() },
    };
  });
};

export default campaignDiagnosticsRoutes;
