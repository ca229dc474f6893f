import type { Kysely } from 'kysely';
import type { RunningCampaigns } from '../../runtime/ports/running-campaigns.ts';
import type { RuntimeStores } from '../../runtime/ports/runtime-stores.ts';
import type { Database } from './database.ts';
import { AgentRepository } from './repositories/agent-repository.ts';
import { CallAttemptRepository } from './repositories/call-attempt-repository.ts';
import { DialBatchRepository } from './repositories/dial-batch-repository.ts';
import { DialDecisionRepository } from './repositories/dial-decision-repository.ts';
import { DialGateRepository } from './repositories/dial-gate-repository.ts';
import { HopperRepository } from './repositories/hopper-repository.ts';

/**
 * The dialer runtime's stores on PostgreSQL: the repositories behind the runtime's ports. One
 * decision-trail repository serves the dial batches (it keeps each campaign's chain head).
 *
 * @example
 * ```ts
 * const stores = createPostgresRuntimeStores(db, new CampaignRepository(db, auditLog));
 * ```
 */
export function createPostgresRuntimeStores(db: Kysely<Database>, campaigns: RunningCampaigns): RuntimeStores {
  const gate = new DialGateRepository(db);
  return {
    hopper: new HopperRepository(db),
    dnc: gate,
    leads: gate,
    attempts: new CallAttemptRepository(db),
    dials: new DialBatchRepository(db, new DialDecisionRepository(db)),
    agents: new AgentRepository(db),
    campaigns,
  };
}
