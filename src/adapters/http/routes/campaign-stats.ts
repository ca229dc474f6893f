import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DateTime } from 'luxon';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { Clock } from '../../../domain/ports/clock.ts';
import type { CampaignStatsRepository } from '../../db/repositories/campaign-stats-repository.ts';
import type { CampaignLiveStats } from '../../../domain/ports/campaign-live-stats.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface CampaignStatsRoutesOptions {
  stats: CampaignStatsRepository;
  clock: Clock;
  /** Live figures when this node runs the campaign. */
  live: (campaignId: string) => CampaignLiveStats | undefined;
  exists: (campaignId: string) => Promise<boolean>;
}

const Counts = Type.Object({ liveAnswers: Type.Integer(), abandoned: Type.Integer(), rate: Type.Number() });
const StatsSchema = Type.Object({
  campaignId: Type.String(),
  runningHere: Type.Boolean({ description: 'whether this node runs the campaign (live figures below come from it)' }),
  dialingNow: Type.Integer({ description: 'calls placed, not yet answered (ringing included)' }),
  ringing: Type.Integer(),
  answeredNow: Type.Integer({ description: 'answered calls being classified or waiting for an agent' }),
  connectedNow: Type.Integer(),
  agents: Type.Record(Type.String(), Type.Integer(), { description: 'agents by state' }),
  pacingRatio: Type.Union([Type.Number(), Type.Null()], { description: "the dial level of the pacing engine's last decision: lines (calls in flight plus the ones it placed) per active agent (logged in and not paused: ready, reserved, on a call or in wrap-up), as Vicidial defines it" }),
  pacingReason: Type.Union([Type.String(), Type.Null()]),
  abandonRateToday: Counts,
  abandonRate30d: Counts,
  hopperDepth: Type.Integer({ description: 'leads due to be dialed now' }),
  originated: Type.Integer({ description: 'calls originated by this node since the campaign started here' }),
  blocked: Type.Integer({ description: 'dials blocked by the compliance gate since the campaign started here' }),
});

/** `GET /v1/campaigns/{id}/stats`: live dialing figures, agents by state, abandon rates, hopper depth. */
const campaignStatsRoutes: FastifyPluginAsyncTypebox<CampaignStatsRoutesOptions> = async function campaignStatsRoutes(app, opts) {
  app.get('/campaigns/:id/stats', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: { tags: ['campaigns'], summary: 'Live campaign statistics', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: StatsSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    const id = request.params.id;
    if (!(await opts.exists(id))) throw new PacerError('NOT_FOUND', `campaign ${id} not found`);
    const nowMs = opts.clock.nowMs();
    const startOfDayMs = DateTime.fromMillis(nowMs, { zone: 'utc' }).startOf('day').toMillis();
    const [today, month, hopperDepth] = await Promise.all([
      opts.stats.abandonCounts(id, startOfDayMs),
      opts.stats.abandonCounts(id, nowMs - 30 * 86_400_000),
      opts.stats.hopperDepth(id, nowMs),
    ]);
    const live = opts.live(id);
    const phase = (name: string): number => live?.callsByPhase[name] ?? 0;
    return {
      campaignId: id,
      runningHere: live !== undefined,
      dialingNow: phase('dialing') + phase('ringing'),
      ringing: phase('ringing'),
      answeredNow: phase('answered') + phase('waiting_agent') + phase('bridging'),
      connectedNow: phase('connected'),
      agents: live?.agentsByState ?? {},
      pacingRatio: live?.lastDecision?.dialLevel ?? null,
      pacingReason: live?.lastDecision?.reason ?? null,
      abandonRateToday: today,
      abandonRate30d: month,
      hopperDepth,
      originated: live?.originated ?? 0,
      blocked: live?.blocked ?? 0,
    };
  });
};

export default campaignStatsRoutes;
