import type { Campaign, CampaignSettings, CampaignStatus } from './campaign.ts';

/** Who made a change, for the audit log. */
export interface AuditActor {
  actorKeyId: string | null;
  actorRole: string | null;
}

export interface CampaignListQuery {
  limit: number;
  offset: number;
  status?: CampaignStatus;
}

/**
 * Where campaigns live (the PostgreSQL repository implements it). Every mutation writes its audit
 * entry in the same transaction.
 *
 * @example
 * ```ts
 * const updated = await store.update(id, (current) => ({ ...current, name: 'New' }), actor);
 * ```
 */
export interface CampaignStore {
  /** @throws PacerError CONFLICT when a live campaign has the same name. */
  create(settings: CampaignSettings, actor: AuditActor): Promise<Campaign>;
  /** Live (not deleted) campaigns only. */
  get(id: string): Promise<Campaign | undefined>;
  list(query: CampaignListQuery): Promise<{ items: Campaign[]; total: number }>;
  /**
   * Locks the campaign, computes its new settings with `change` and saves them; undefined when
   * the campaign does not exist.
   */
  update(id: string, change: (current: Campaign) => CampaignSettings, actor: AuditActor): Promise<Campaign | undefined>;
  /** Locks the campaign and moves it to the status `decide` returns (which may throw). */
  transition(id: string, action: string, decide: (current: Campaign) => CampaignStatus, actor: AuditActor): Promise<Campaign | undefined>;
  /** Soft delete; `check` may throw to refuse. Undefined when not found. */
  softDelete(id: string, check: (current: Campaign) => void, actor: AuditActor): Promise<Campaign | undefined>;
  /** Whether the campaign has any lead at all. */
  hasLeads(id: string): Promise<boolean>;
  /** Of `ids`, those that are not live DNC lists. */
  missingDncLists(ids: readonly string[]): Promise<string[]>;
}
