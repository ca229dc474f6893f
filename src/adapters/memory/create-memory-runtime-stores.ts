import type { Clock } from '../../domain/ports/clock.ts';
import type { RuntimeStores } from '../../runtime/ports/runtime-stores.ts';
import { MemoryAgentStore } from './memory-agent-store.ts';
import { MemoryAttemptStore } from './memory-attempt-store.ts';
import { MemoryDialStore } from './memory-dial-store.ts';
import { MemoryDncStore } from './memory-dnc-store.ts';
import { MemoryHopperStore } from './memory-hopper-store.ts';
import { MemoryLeadStore } from './memory-lead-store.ts';
import { MemoryRunningCampaigns } from './memory-running-campaigns.ts';
import { MemoryRuntimeData } from './memory-runtime-data.ts';

/**
 * The dialer runtime's stores in memory, over one {@link MemoryRuntimeData}: the runtime's logic
 * (pacing loop, re-checks, recovery, dispositions) runs without a database, e.g. in unit tests. The
 * same contract suite as the PostgreSQL stores checks it (tests/contract/runtime-stores.contract.ts).
 * Not durable: a process that stops loses it, so it never holds real compliance records.
 *
 * @example
 * ```ts
 * const { stores, data } = createMemoryRuntimeStores({ clock: scheduler });
 * data.addCampaign(campaign);
 * const runtime = new DialerRuntime({ stores, scheduler, telephony, lease, eventBus, logger, nodeId });
 * ```
 */
export function createMemoryRuntimeStores(options: { clock: Clock; liveCallMaxAgeMs?: number }): { stores: RuntimeStores; data: MemoryRuntimeData } {
  const data = new MemoryRuntimeData({ clock: options.clock });
  return {
    data,
    stores: {
      hopper: new MemoryHopperStore(data),
      dnc: new MemoryDncStore(data),
      leads: new MemoryLeadStore(data),
      attempts: new MemoryAttemptStore(data),
      dials: new MemoryDialStore(data, options.liveCallMaxAgeMs === undefined ? {} : { liveCallMaxAgeMs: options.liveCallMaxAgeMs }),
      agents: new MemoryAgentStore(data),
      campaigns: new MemoryRunningCampaigns(data),
    },
  };
}
