import type { Campaign } from '../../domain/campaign/campaign.ts';

/**
 * The campaigns the runtime may run. Contract: `runningIds` lists the campaigns whose status is
 * `running` and that are not deleted; `load` returns a campaign's current settings or `undefined`.
 *
 * Adapters: PostgreSQL (`CampaignRepository`), in memory (`MemoryRunningCampaigns`).
 */
export interface RunningCampaigns {
  runningIds(): Promise<string[]>;
  load(campaignId: string): Promise<Campaign | undefined>;
}
