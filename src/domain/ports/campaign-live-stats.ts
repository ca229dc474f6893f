import type { PacingDecision } from '../pacing/pacing-policy.ts';

/**
 * What a running campaign reports about itself right now (the node running it): the stats route
 * reads it through this shape, never through the runtime's classes.
 *
 * @example
 * ```ts
 * const live = dialer.stats(campaignId); // CampaignLiveStats | undefined when not running here
 * ```
 */
export interface CampaignLiveStats {
  campaignId: string;
  placing: boolean;
  liveCalls: number;
  callsByPhase: Record<string, number>;
  agentsByState: Record<string, number>;
  lastDecision: PacingDecision | undefined;
  abandonRate: number;
  liveAnswers: number;
  abandoned: number;
  originated: number;
  blocked: number;
}
