import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../database.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { ApiKey } from '../../../domain/auth/api-key.ts';
import { visibleKeyPrefix } from '../../../domain/auth/api-key.ts';
import type { Principal } from '../../../domain/auth/principal.ts';
import type { Role } from '../../../domain/auth/role.ts';
import type { AuditActor } from '../../../domain/campaign/campaign-store.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';

/** A new random key: `pk_` + 24 random bytes, base64url. */
export function generateApiKeySecret(): string {
  return `pk_${randomBytes(24).toString('base64url')}`;
}

/** Keys are stored only as their SHA-256 (hex). */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface CreateApiKeyInput {
  role: Role;
  name: string;
  agentId?: string | null;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    keyPrefix: row.key_prefix,
    agentId: row.agent_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * API keys: random secrets shown once, stored as SHA-256 with a visible prefix.
 *
 * @example
 * ```ts
 * const { key, secret } = await keys.create({ role: 'manager', name: 'ops' }, actor);
 * const principal = await keys.authenticate(secret); // { keyId, role: 'manager', agentId: null }
 * ```
 */
export class ApiKeyRepository {
  readonly #db: Kysely<Database>;
  readonly #auditLog: AuditLogRepository;

  constructor(db: Kysely<Database>, auditLog: AuditLogRepository) {
    this.#db = db;
    this.#auditLog = auditLog;
  }

  /**
   * The principal for a presented secret; undefined when unknown or revoked. The lookup is by the
   * secret's SHA-256 only (never by its visible prefix), so neither its timing nor its index says
   * anything about the secret's characters.
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select(['id', 'role', 'agent_id'])
      .where('key_hash', '=', hashApiKey(secret))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row === undefined ? undefined : { keyId: row.id, role: row.role, agentId: row.agent_id };
  }

  /** Creates a key and returns its secret (the only time it is visible). */
  async create(input: CreateApiKeyInput, actor: AuditActor): Promise<{ key: ApiKey; secret: string }> {
    if (input.role === 'agent' && (input.agentId === undefined || input.agentId === null)) {
      throw new PacerError('VALIDATION_FAILED', 'agentId: an agent-role key must name the agent it acts as', { issues: [{ field: 'agentId', reason: 'is required for role agent' }] });
    }
    const secret = generateApiKeySecret();
    const key = await this.#db.transaction().execute(async (trx) => {
      if (input.agentId !== undefined && input.agentId !== null) {
        const agent = await trx.selectFrom('agents').select('id').where('id', '=', input.agentId).executeTakeFirst();
        if (agent === undefined) throw new PacerError('VALIDATION_FAILED', `no agent ${input.agentId}`, { issues: [{ field: 'agentId', reason: 'no such agent' }] });
      }
      const row = await trx
        .insertInto('api_keys')
        .values({
          name: input.name,
          role: input.role,
          key_prefix: visibleKeyPrefix(secret),
          key_hash: hashApiKey(secret),
          agent_id: input.agentId ?? null,
          created_by: actor.actorKeyId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = toApiKey(row);
      await this.#auditLog.record({ ...actor, action: 'api_key.create', entityType: 'api_key', entityId: created.id, before: null, after: created }, trx);
      return created;
    });
    return { key, secret };
  }

  /**
   * Makes sure `secret` is an active admin key (bootstrap from PACER_ADMIN_KEY). Idempotent: an
   * existing key with the same hash is left alone (and un-revoked). Returns whether a key was added.
   */
  async ensureAdminKey(secret: string, name = 'bootstrap admin (PACER_ADMIN_KEY)'): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('api_keys')
        .values({ name, role: 'admin', key_prefix: visibleKeyPrefix(secret), key_hash: hashApiKey(secret) })
        // The prefix is rewritten too: rows stored before keys chose what to show kept 10 characters.
        .onConflict((oc) => oc.column('key_hash').doUpdateSet({ role: 'admin', revoked_at: null, key_prefix: visibleKeyPrefix(secret) }))
        // xmax = 0 only on a freshly inserted row (PostgreSQL's insert-or-update tell).
        .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
        .executeTakeFirstOrThrow();
      const added = inserted.inserted;
      if (added) {
        await this.#auditLog.record(
          { actorKeyId: null, actorRole: 'system', action: 'api_key.bootstrap', entityType: 'api_key', entityId: inserted.id, before: null, after: { id: inserted.id, name, role: 'admin' } },
          trx,
        );
      }
      return added;
    });
  }

  async hasActiveAdmin(): Promise<boolean> {
    const row = await this.#db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async list(options: { includeRevoked: boolean }): Promise<ApiKey[]> {
    let q = this.#db.selectFrom('api_keys').selectAll();
    if (!options.includeRevoked) q = q.where('revoked_at', 'is', null);
    const rows = await q.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
    return rows.map(toApiKey);
  }

  /**
   * Revokes a key. Undefined when unknown; CONFLICT when it would leave no active admin key.
   * Revoking an already revoked key returns it unchanged.
   */
  async revoke(id: string, actor: AuditActor): Promise<ApiKey | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (row === undefined) return undefined;
      if (row.revoked_at !== null) return toApiKey(row);
      if (row.role === 'admin') {
        // Serialise concurrent admin revocations so two cannot each see "one other admin left".
        const admins = await trx.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).forUpdate().execute();
        if (admins.length <= 1) {
          throw new PacerError('CONFLICT', 'cannot revoke the last active admin key', { issues: [{ field: 'id', reason: 'last active admin key' }] });
        }
      }
      const updated = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.#auditLog.record({ ...actor, action: 'api_key.revoke', entityType: 'api_key', entityId: id, before: toApiKey(row), after: toApiKey(updated) }, trx);
      return toApiKey(updated);
    });
  }
}
