import { INTERNAL_DNC_LIST_ID, type DncScope } from './dnc-list.ts';

export interface DncListRef {
  id: string;
  scope: DncScope;
}

/**
 * The DNC lists a campaign must be checked against: the internal list, every global list, and the
 * campaign-scope lists attached to it. The dial gate and the import scrub use exactly this.
 *
 * @example
 * ```ts
 * dncListsApplyingTo({ dncListIds: ['b'] }, [{ id: 'a', scope: 'global' }, { id: 'b', scope: 'campaign' }, { id: 'c', scope: 'campaign' }]);
 * // ['00000000-0000-0000-0000-000000000001', 'a', 'b']
 * ```
 */
export function dncListsApplyingTo(campaign: { dncListIds: readonly string[] }, lists: readonly DncListRef[]): string[] {
  const attached = new Set(campaign.dncListIds);
  const ids = new Set<string>([INTERNAL_DNC_LIST_ID]);
  for (const list of lists) if (list.scope === 'global' || attached.has(list.id)) ids.add(list.id);
  return [...ids];
}
