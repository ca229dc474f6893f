import type { AgentStore } from './agent-store.ts';
import type { AttemptStore } from './attempt-store.ts';
import type { DialStore } from './dial-store.ts';
import type { DncStore } from './dnc-store.ts';
import type { HopperStore } from './hopper-store.ts';
import type { LeadStore } from './lead-store.ts';
import type { RunningCampaigns } from './running-campaigns.ts';

/**
 * Everything the dialer runtime reads and writes, as ports (ADR 0008). The PostgreSQL adapter
 * (`createPostgresRuntimeStores`) and the in-memory one (`createMemoryRuntimeStores`) pass one
 * contract suite (`tests/contract/runtime-stores.contract.ts`).
 *
 * @example
 * ```ts
 * const runtime = new DialerRuntime({ stores: createPostgresRuntimeStores(db, campaigns), scheduler, telephony, lease, eventBus, logger, nodeId });
 * ```
 */
export interface RuntimeStores {
  hopper: HopperStore;
  dnc: DncStore;
  leads: LeadStore;
  attempts: AttemptStore;
  dials: DialStore;
  agents: AgentStore;
  campaigns: RunningCampaigns;
}

/** The stores one campaign's actor uses. */
export type CampaignStores = Pick<RuntimeStores, 'hopper' | 'dnc' | 'leads' | 'attempts' | 'dials'>;
