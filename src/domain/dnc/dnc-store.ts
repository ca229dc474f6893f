import type { AuditActor } from '../campaign/campaign-store.ts';
import type { DncList, DncScope } from './dnc-list.ts';

/**
 * Where DNC lists live (the PostgreSQL repository implements it). Mutations record their audit
 * entry in the same transaction.
 *
 * @example
 * ```ts
 * const { received, added } = await store.addNumbers(listId, e164s, actor);
 * ```
 */
export interface DncStore {
  createList(input: { name: string; scope: DncScope }, actor: AuditActor): Promise<DncList>;
  listLists(): Promise<DncList[]>;
  getList(id: string): Promise<DncList | undefined>;
  deleteList(id: string, actor: AuditActor): Promise<DncList | undefined>;
  /** Adds E.164 numbers all-or-nothing; an error thrown by `numbers` rolls everything back. */
  addNumbers(listId: string, numbers: AsyncIterable<string>, actor: AuditActor): Promise<{ received: number; added: number }>;
  /** Removes the entry and audits it with `reason`; false when the number is not on the list. */
  removeNumber(listId: string, e164: string, actor: AuditActor, reason: string): Promise<boolean>;
  listsBlocking(e164: string, campaignId?: string): Promise<{ id: string; name: string; scope: DncScope }[]>;
  /** The list's numbers in E.164 order after `after`, at most `limit`, and whether more follow. */
  listNumbers(listId: string, page: { after?: string; limit: number }): Promise<{ items: { e164: string; addedAt: Date }[]; more: boolean }>;
}
