import type { TimeZoneSource } from '../../domain/compliance/dial-gate.ts';

/** A lead taken from the hopper, with the number to dial and what the dial gate needs. */
export interface LeasedLead {
  leadId: string;
  phoneE164: string;
  phonePosition: number;
  /** The zone of the number being dialed (the lead's when the number has none of its own). */
  timezone: string | null;
  timezoneSource: TimeZoneSource;
  timezoneCandidates: string[] | null;
  leadAttempts: number;
  numberAttempts: number;
  callbackAgentId: string | null;
}

/** What {@link HopperStore.lease} is asked for. */
export interface LeaseRequest {
  campaignId: string;
  nodeId: string;
  count: number;
  nowMs: number;
  leaseMs: number;
  maxAttemptsPerNumber: number;
  /**
   * Agents ready now on this node. A callback owned by an agent is leased only while its agent is
   * among them, so it is offered to that agent; absent: owned callbacks wait.
   */
  readyAgentIds?: readonly string[];
}

/**
 * The lead hopper as the campaign actor sees it. Contract (tests/contract/runtime-stores.contract.ts):
 * - `lease` takes up to `count` due leads by priority: due callbacks first (an agent-owned one only
 *   while its agent is ready), then due retries (oldest due first), then fresh leads; two leases never
 *   return the same lead (leases that overlap skip each other's leads, so each may return fewer than
 *   `count`; the runtime leases a campaign from its one actor); each leased lead comes with its number of fewest attempts (then lowest
 *   position) that is not DNC-flagged and under `maxAttemptsPerNumber`, and that number's zone. A due
 *   lead with no such number is closed (`dnc` when every number is flagged, else `exhausted`), never
 *   leased and never left waiting.
 * - `dueCount` counts the leads `lease` could return now (agent-owned callbacks included).
 * - `reclaimExpired` puts leads whose lease expired (their node died) back as `scheduled`.
 *
 * Adapters: PostgreSQL (`src/adapters/db/repositories/hopper-repository.ts`), in memory
 * (`src/adapters/memory/memory-hopper-store.ts`).
 *
 * @example
 * ```ts
 * const leads = await hopper.lease({ campaignId, nodeId, count: 5, nowMs: clock.nowMs(), leaseMs: 60_000, maxAttemptsPerNumber: 3 });
 * ```
 */
export interface HopperStore {
  lease(input: LeaseRequest): Promise<LeasedLead[]>;
  dueCount(campaignId: string, nowMs: number, maxAttemptsPerNumber?: number): Promise<number>;
  reclaimExpired(nowMs: number): Promise<number>;
}
