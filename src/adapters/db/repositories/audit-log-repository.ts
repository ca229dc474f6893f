import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from '../database.ts';

export interface AuditEntry {
  actorKeyId: string | null;
  actorRole: string | null;
  /** `<entity>.<verb>`, e.g. `campaign.create`, `dnc.numbers.add`. */
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  since?: Date;
  /** Return entries with an id below this one (the previous page's `nextCursor`). */
  before?: string;
  limit: number;
}

/**
 * The append-only audit log: who changed what, when, with before/after snapshots.
 *
 * @example
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('campaigns').set({ name }).where('id', '=', id).execute();
 *   await auditLog.record({ actorKeyId, actorRole, action: 'campaign.update', entityType: 'campaign', entityId: id, before, after }, trx);
 * });
 * ```
 */
export class AuditLogRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Writes one entry; pass your transaction so it commits (or rolls back) with the change. */
  async record(entry: AuditEntry, trx?: Kysely<Database> | Transaction<Database>): Promise<void> {
    await this.#insert(entry, trx ?? this.#db).execute();
  }

  /** The insert as SQL + parameters, for callers running raw pg clients (COPY transactions). */
  compileRecord(entry: AuditEntry): CompiledQuery {
    return this.#insert(entry, this.#db).compile();
  }

  async list(query: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    let q = this.#db.selectFrom('audit_log').selectAll();
    if (query.entityType !== undefined) q = q.where('entity_type', '=', query.entityType);
    if (query.entityId !== undefined) q = q.where('entity_id', '=', query.entityId);
    if (query.since !== undefined) q = q.where('at', '>=', query.since);
    if (query.before !== undefined) q = q.where('id', '<', query.before);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    const page = rows.slice(0, query.limit);
    const items = page.map((r) => ({
      id: String(r.id),
      at: r.at,
      actorKeyId: r.actor_key_id,
      actorRole: r.actor_role,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
    }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last !== undefined ? last.id : null };
  }

  #insert(entry: AuditEntry, db: Kysely<Database> | Transaction<Database>) {
    return db.insertInto('audit_log').values({
      actor_key_id: entry.actorKeyId,
      actor_role: entry.actorRole,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
    });
  }
}
