import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/database.ts';
import type { CampaignLifecycle } from '../domain/campaign/campaign-service.ts';
import { PacerError } from '../domain/pacer-error.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { createDrachtioTelephony } from '../adapters/telephony/drachtio/drachtio-telephony.ts';
import type { PacerConfig } from './config/load-config.ts';
import type { Dialer } from './create-dialer.ts';

/**
 * Connects campaign commands to the dialer: start runs the campaign on this node (with its simulated
 * agents in simulated mode), pause stops placing calls, stop ends it. A start is refused when the
 * campaign has no agents to take its calls.
 */
export function dialerLifecycle(dialer: Dialer, db: Kysely<Database>, config: PacerConfig): CampaignLifecycle {
  return {
    async checkStartable(campaign) {
      if (config.telephony === 'sim' && config.sim.agents > 0) return;
      const agents = await db.selectFrom('agents').select('id').where('campaign_id', '=', campaign.id).limit(1).execute();
      if (agents.length === 0) {
        throw new PacerError('CONFLICT', 'the campaign has no agents: create agents for it (POST /v1/agents with campaignId) before starting it', {
          issues: [{ field: 'agents', reason: 'NO_AGENTS: no agent is assigned to the campaign' }],
        });
      }
    },
    onSettingsChanged(campaign) {
      dialer.runtime.campaignChanged(campaign);
    },
    async onStatusChanged(campaign, command) {
      switch (command) {
        case 'start':
          if ((await dialer.runtime.runCampaign(campaign.id)) === 'running') await dialer.ensureSimAgents(campaign.id);
          return;
        case 'pause':
          // Answers once no call of the campaign can be originated any more.
          await dialer.runtime.pauseCampaign(campaign.id);
          return;
        case 'stop':
          await dialer.runtime.stopCampaign(campaign.id);
          return;
      }
    },
  };
}

/** The real telephony port for `PACER_TELEPHONY=drachtio` (the config loader has validated its options). */
export function createConfiguredTelephony(config: PacerConfig, logger: Logger, clock: Clock): TelephonyPort {
  if (config.drachtio === null) {
    throw new PacerError('CONFIG_INVALID', `PACER_TELEPHONY=${config.telephony} needs DRACHTIO_URL, FREESWITCH_URL and PACER_TRUNK_URI`, { issues: [{ field: 'PACER_TELEPHONY', reason: 'telephony settings missing' }] });
  }
  return createDrachtioTelephony(config.drachtio, { clock, logger: logger.child({ component: 'telephony' }) });
}
