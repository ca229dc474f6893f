import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../database.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { AuditActor } from '../../../domain/campaign/campaign-store.ts';
import { INTERNAL_DNC_LIST_ID, type DncList, type DncScope } from '../../../domain/dnc/dnc-list.ts';
import { dncListsApplyingTo } from '../../../domain/dnc/dnc-lists-applying-to.ts';
import type { DncStore } from '../../../domain/dnc/dnc-store.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';

/** Numbers per COPY write. */
const COPY_BATCH = 10_000;

interface ListRow {
  id: string;
  name: string;
  scope: DncScope;
  is_internal: boolean;
  version: string;
  created_at: Date;
  entries: string | number;
}

function toList(r: ListRow): DncList {
  return { id: r.id, name: r.name, scope: r.scope, internal: r.is_internal, version: Number(r.version), entries: Number(r.entries), createdAt: r.created_at };
}

/**
 * Do-not-call lists and their numbers. Bulk loads go through COPY into a temporary table, then one
 * `INSERT ... ON CONFLICT DO NOTHING`, in one transaction with the version bump and the audit entry.
 *
 * @example
 * ```ts
 * const dnc = new DncRepository(db, pool, auditLog);
 * const ids = await dnc.listIdsApplyingToCampaign(campaignId); // internal + global + attached lists
 * ```
 */
export class DncRepository implements DncStore {
  readonly #db: Kysely<Database>;
  readonly #pool: pg.Pool;
  readonly #auditLog: AuditLogRepository;

  constructor(db: Kysely<Database>, pool: pg.Pool, auditLog: AuditLogRepository) {
    this.#db = db;
    this.#pool = pool;
    this.#auditLog = auditLog;
  }

  async createList(input: { name: string; scope: DncScope }, actor: AuditActor): Promise<DncList> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('dnc_lists').values({ name: input.name, scope: input.scope }).returningAll().executeTakeFirstOrThrow();
      const list = toList({ ...row, entries: 0 });
      await this.#auditLog.record({ ...actor, action: 'dnc_list.create', entityType: 'dnc_list', entityId: list.id, before: null, after: list }, trx);
      return list;
    });
  }

  async listLists(): Promise<DncList[]> {
    const rows = await this.#listQuery().orderBy('l.created_at', 'asc').orderBy('l.id', 'asc').execute();
    return rows.map(toList);
  }

  async getList(id: string): Promise<DncList | undefined> {
    const row = await this.#listQuery().where('l.id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toList(row);
  }

  /** Soft-deletes a list and detaches it from campaigns. The internal list cannot be deleted. */
  async deleteList(id: string, actor: AuditActor): Promise<DncList | undefined> {
    if (id === INTERNAL_DNC_LIST_ID) throw new PacerError('CONFLICT', 'the internal DNC list cannot be deleted', { issues: [{ field: 'id', reason: 'internal list' }] });
    const before = await this.getList(id);
    if (before === undefined) return undefined;
    return this.#db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('dnc_lists').set({ deleted_at: new Date() }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      if (res.numUpdatedRows === 0n) return undefined;
      await trx.deleteFrom('campaign_dnc_lists').where('dnc_list_id', '=', id).execute();
      await this.#auditLog.record({ ...actor, action: 'dnc_list.delete', entityType: 'dnc_list', entityId: id, before, after: null }, trx);
      return before;
    });
  }

  async addNumbers(listId: string, numbers: AsyncIterable<string>, actor: AuditActor): Promise<{ received: number; added: number }> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const lock = await client.query('SELECT id FROM dnc_lists WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [listId]);
        if (lock.rowCount === 0) throw new PacerError('NOT_FOUND', `no DNC list ${listId}`);
        await client.query('CREATE TEMP TABLE dnc_upload (e164 text NOT NULL) ON COMMIT DROP');
        // Room to sort a million numbers in memory rather than in temp files (this transaction only).
        await client.query("SET LOCAL work_mem = '64MB'");
        let received = 0;
        async function* lines(): AsyncGenerator<string> {
          let batch: string[] = [];
          for await (const e164 of numbers) {
            batch.push(e164);
            received += 1;
            if (batch.length >= COPY_BATCH) {
              yield `${batch.join('\n')}\n`;
              batch = [];
            }
          }
          if (batch.length > 0) yield `${batch.join('\n')}\n`;
        }
        await pipeline(Readable.from(lines()), client.query(copyFrom('COPY dnc_upload (e164) FROM STDIN')));
        const inserted = await client.query(
          // Sorted input walks both B-trees in order instead of at random.
          'INSERT INTO dnc_entries (dnc_list_id, e164) SELECT DISTINCT $1::uuid, e164 FROM dnc_upload ORDER BY e164 ON CONFLICT DO NOTHING',
          [listId],
        );
        const added = inserted.rowCount ?? 0;
        if (added > 0) await client.query('UPDATE dnc_lists SET version = version + 1 WHERE id = $1', [listId]);
        const audit = this.#auditLog.compileRecord({ ...actor, action: 'dnc.numbers.add', entityType: 'dnc_list', entityId: listId, before: null, after: { received, added } });
        await client.query(audit.sql, [...audit.parameters]);
        await client.query('COMMIT');
        return { received, added };
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Removes one number; false when it was not on the list. */
  async removeNumber(listId: string, e164: string, actor: AuditActor, reason: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('dnc_entries').where('dnc_list_id', '=', listId).where('e164', '=', e164).executeTakeFirst();
      if (res.numDeletedRows === 0n) return false;
      await trx.updateTable('dnc_lists').set({ version: sql`version + 1` }).where('id', '=', listId).execute();
      await this.#auditLog.record({ ...actor, action: 'dnc.numbers.remove', entityType: 'dnc_list', entityId: listId, before: { e164 }, after: { removed: e164, reason } }, trx);
      return true;
    });
  }

  /**
   * The live lists holding `e164` that apply: every global list (the internal one included), plus,
   * with `campaignId`, the campaign-scope lists attached to that campaign.
   */
  async listNumbers(listId: string, page: { after?: string; limit: number }): Promise<{ items: { e164: string; addedAt: Date }[]; more: boolean }> {
    let q = this.#db.selectFrom('dnc_entries').select(['e164', 'added_at']).where('dnc_list_id', '=', listId);
    if (page.after !== undefined) q = q.where('e164', '>', page.after);
    const rows = await q.orderBy('e164').limit(page.limit + 1).execute();
    return { items: rows.slice(0, page.limit).map((r) => ({ e164: r.e164, addedAt: r.added_at })), more: rows.length > page.limit };
  }

  async listsBlocking(e164: string, campaignId?: string): Promise<{ id: string; name: string; scope: DncScope }[]> {
    let q = this.#db
      .selectFrom('dnc_entries as e')
      .innerJoin('dnc_lists as l', 'l.id', 'e.dnc_list_id')
      .select(['l.id', 'l.name', 'l.scope'])
      .where('e.e164', '=', e164)
      .where('l.deleted_at', 'is', null);
    q = campaignId === undefined
      ? q.where('l.scope', '=', 'global')
      : q.where((eb) => eb.or([eb('l.scope', '=', 'global'), eb('l.id', 'in', eb.selectFrom('campaign_dnc_lists').select('dnc_list_id').where('campaign_id', '=', campaignId))]));
    return q.orderBy('l.created_at').execute();
  }

  /**
   * The ids of the DNC lists a campaign must be checked against (dial gate, import scrub): the
   * internal list, every live global list and the live campaign-scope lists attached to it.
   */
  async listIdsApplyingToCampaign(campaignId: string): Promise<string[]> {
    const [lists, attached] = await Promise.all([
      this.#db.selectFrom('dnc_lists').select(['id', 'scope']).where('deleted_at', 'is', null).execute(),
      this.#db.selectFrom('campaign_dnc_lists').select('dnc_list_id').where('campaign_id', '=', campaignId).execute(),
    ]);
    return dncListsApplyingTo({ dncListIds: attached.map((a) => a.dnc_list_id) }, lists);
  }

  #listQuery() {
    return this.#db
      .selectFrom('dnc_lists as l')
      .select(['l.id', 'l.name', 'l.scope', 'l.is_internal', 'l.version', 'l.created_at'])
      .select((eb) => eb.selectFrom('dnc_entries as e').select((e) => e.fn.countAll<string>().as('n')).whereRef('e.dnc_list_id', '=', 'l.id').as('entries'))
      .where('l.deleted_at', 'is', null)
      .$narrowType<{ entries: string }>();
  }
}
