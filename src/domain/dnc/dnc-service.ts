import { PacerError } from '../pacer-error.ts';
import { normalizePhoneNumber, type CountryCode } from '../leads/phone-number.ts';
import { createPhoneNormalizer } from '../leads/phone-normalizer.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import type { DncBulkAddResult, DncList, DncScope } from './dnc-list.ts';
import type { DncStore } from './dnc-store.ts';

/** One uploaded value and where it came from (1-based data row). */
export interface DncUploadRow {
  row: number;
  raw: string;
}

export interface DncCheckResult {
  blocked: boolean;
  e164: string;
  lists: { id: string; name: string; scope: DncScope }[];
}

export interface DncServiceOptions {
  store: DncStore;
  defaultRegion: CountryCode;
  /** Rejected rows listed in a bulk-add answer (all are counted). Default 1000. */
  maxReportedErrors?: number;
}

/**
 * DNC use cases: lists, bulk add (numbers normalized to E.164, bad rows reported, the rest loaded
 * in one transaction), removal and the "may we call this number?" check.
 *
 * @example
 * ```ts
 * const result = await dnc.addNumbers(principal, listId, rowsOf(['+13125550188', 'nope']));
 * // { added: 1, duplicates: 0, rejected: 1, errors: [{ row: 2, field: 'phone', reason: 'not a phone number' }] }
 * ```
 */
export class DncService {
  readonly #store: DncStore;
  readonly #defaultRegion: CountryCode;
  readonly #maxErrors: number;

  constructor(options: DncServiceOptions) {
    this.#store = options.store;
    this.#defaultRegion = options.defaultRegion;
    this.#maxErrors = options.maxReportedErrors ?? 1000;
  }

  async createList(principal: Principal, input: { name: string; scope: DncScope }): Promise<DncList> {
    const name = input.name.trim();
    if (name === '') throw new PacerError('VALIDATION_FAILED', 'invalid DNC list: name', { issues: [{ field: 'name', reason: 'must not be empty' }] });
    return this.#store.createList({ name, scope: input.scope }, actorOf(principal));
  }

  listLists(): Promise<DncList[]> {
    return this.#store.listLists();
  }

  async getList(id: string): Promise<DncList> {
    const list = await this.#store.getList(id);
    if (list === undefined) throw notFound(id);
    return list;
  }

  async deleteList(principal: Principal, id: string): Promise<void> {
    if ((await this.#store.deleteList(id, actorOf(principal))) === undefined) throw notFound(id);
  }

  async addNumbers(principal: Principal, listId: string, rows: AsyncIterable<DncUploadRow>): Promise<DncBulkAddResult> {
    await this.getList(listId);
    const errors: DncBulkAddResult['errors'] = [];
    let rejected = 0;
    // Same verdicts as normalizePhoneNumber, with a cached fast path for NANP numbers.
    const normalize = createPhoneNormalizer(this.#defaultRegion);
    const maxErrors = this.#maxErrors;
    async function* valid(): AsyncGenerator<string> {
      for await (const { row, raw } of rows) {
        const n = normalize(raw);
        if (n.ok) {
          yield n.e164;
        } else {
          rejected += 1;
          if (errors.length < maxErrors) errors.push({ row, field: 'phone', reason: n.reason });
        }
      }
    }
    const { received, added } = await this.#store.addNumbers(listId, valid(), actorOf(principal));
    return { added, duplicates: received - added, rejected, errors };
  }

  /**
   * Takes a number off a DNC list: compliance officers and admins only, with the reason, which the
   * audit log keeps beside who did it. A consent withdrawn by mistake is corrected, never silent.
   */
  async removeNumber(principal: Principal, listId: string, phone: string, reason: string): Promise<void> {
    if (principal.role !== 'admin' && principal.role !== 'compliance') {
      throw new PacerError('FORBIDDEN', `role '${principal.role}' may not remove numbers from a DNC list; allowed: admin, compliance`);
    }
    const why = reason.trim();
    if (why.length < 3) throw new PacerError('VALIDATION_FAILED', 'a reason is required to remove a number from a DNC list', { issues: [{ field: 'reason', reason: 'must be at least 3 characters' }] });
    await this.getList(listId);
    const e164 = this.#normalize(phone, 'e164');
    if (!(await this.#store.removeNumber(listId, e164, actorOf(principal), why))) throw new PacerError('NOT_FOUND', `${e164} is not on DNC list ${listId}`);
  }

  /**
   * One page of a list's numbers (E.164 order; `after` is the last number of the previous page).
   * @throws PacerError `NOT_FOUND` for an unknown list.
   */
  async listNumbers(listId: string, page: { after?: string; limit: number }): Promise<{ items: { e164: string; addedAt: string }[]; next: string | null }> {
    await this.getList(listId);
    const found = await this.#store.listNumbers(listId, page);
    const items = found.items.map((n) => ({ e164: n.e164, addedAt: n.addedAt.toISOString() }));
    return { items, next: found.more ? (items.at(-1)?.e164 ?? null) : null };
  }

  async check(phone: string, campaignId?: string): Promise<DncCheckResult> {
    const e164 = this.#normalize(phone, 'phone');
    const lists = await this.#store.listsBlocking(e164, campaignId);
    return { blocked: lists.length > 0, e164, lists };
  }

  #normalize(phone: string, field: string): string {
    const n = normalizePhoneNumber(phone, this.#defaultRegion);
    if (!n.ok) throw new PacerError('VALIDATION_FAILED', `invalid ${field}: ${n.reason}`, { issues: [{ field, reason: n.reason }] });
    return n.e164;
  }
}

function notFound(id: string): PacerError {
  return new PacerError('NOT_FOUND', `no DNC list ${id}`);
}
