import type { Campaign } from '../../domain/campaign/campaign.ts';
import type { RunningCampaigns } from '../../runtime/ports/running-campaigns.ts';
import type { MemoryRuntimeData } from './memory-runtime-data.ts';

/** The campaigns in memory ({@link RunningCampaigns}'s contract). */
export class MemoryRunningCampaigns implements RunningCampaigns {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  runningIds(): Promise<string[]> {
    const ids = [...this.#data.campaigns.values()].filter((c) => !c.deleted && c.campaign.status === 'running').map((c) => c.campaign.id);
    return Promise.resolve(ids.sort());
  }

  load(campaignId: string): Promise<Campaign | undefined> {
    const c = this.#data.campaigns.get(campaignId);
    return Promise.resolve(c === undefined || c.deleted ? undefined : c.campaign);
  }
}
