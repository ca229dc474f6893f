/** A DNC list and its version (bumped by every change), as the dial gate read it. */
export interface DncListVersion {
  id: string;
  version: string;
}

/**
 * What the dial gate reads of the DNC lists at the moment of dialing. Contract:
 * - `listsApplyingTo` returns the internal list, every global list and the campaign lists attached to
 *   the campaign (not deleted ones, not other campaigns'), ordered by id, each with its version; a
 *   list's version changes whenever a number is added to it.
 * - `dncHits` returns, for each of `numbers` held by one of `listIds`, the ids of those lists.
 *
 * Adapters: PostgreSQL (`DialGateRepository`), in memory (`MemoryDncStore`).
 *
 * @example
 * ```ts
 * const lists = await dnc.listsApplyingTo(campaignId);
 * const hits = await dnc.dncHits(['+12125550100'], lists.map((l) => l.id));
 * ```
 */
export interface DncStore {
  listsApplyingTo(campaignId: string): Promise<DncListVersion[]>;
  dncHits(numbers: readonly string[], listIds: readonly string[]): Promise<Map<string, string[]>>;
}
