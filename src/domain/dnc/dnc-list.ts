/** The one internal global list: always applies, cannot be deleted. */
export const INTERNAL_DNC_LIST_ID = '00000000-0000-0000-0000-000000000001';

export type DncScope = 'global' | 'campaign';

/**
 * A do-not-call list. `global` lists apply to every campaign; `campaign` lists apply to the
 * campaigns they are attached to. `version` grows on every change (cache invalidation).
 *
 * @example
 * ```ts
 * const list: DncList = { id, name: 'State DNC', scope: 'global', internal: false, version: 3, entries: 1200, createdAt };
 * ```
 */
export interface DncList {
  id: string;
  name: string;
  scope: DncScope;
  internal: boolean;
  version: number;
  /** Numbers on the list. */
  entries: number;
  createdAt: Date;
}

/** Outcome of a bulk add: an expected result, rejected rows included. */
export interface DncBulkAddResult {
  /** Numbers newly on the list. */
  added: number;
  /** Valid numbers already on the list or repeated in the upload. */
  duplicates: number;
  rejected: number;
  /** One per rejected row (the first `maxErrors`), 1-based data rows. */
  errors: { row: number; field: string; reason: string }[];
}
