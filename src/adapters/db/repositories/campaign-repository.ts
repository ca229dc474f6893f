import { sql, type Kysely, type Transaction } from 'kysely';
import type { RunningCampaigns } from '../../../runtime/ports/running-campaigns.ts';
import type { CampaignRow, Database, NewCampaignRow } from '../database.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { AmdSettings, Campaign, CampaignSettings, CampaignStatus, RetryRules } from '../../../domain/campaign/campaign.ts';
import { DEFAULT_AMD, DEFAULT_RETRY_RULES } from '../../../domain/campaign/campaign-defaults.ts';
import type { AuditActor, CampaignListQuery, CampaignStore } from '../../../domain/campaign/campaign-store.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';

/** PostgreSQL unique_violation. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === UNIQUE_VIOLATION;
}

function toRow(s: CampaignSettings): Omit<NewCampaignRow, 'status'> {
  return {
    name: s.name,
    dial_mode: s.dialMode,
    pacing_policy: s.pacingPolicy,
    pacing_ratio: s.pacingRatio,
    max_abandon_rate: s.maxAbandonRate,
    abandon_rate_override: s.abandonRateOverride,
    abandon_window: s.abandonWindow,
    caller_id: s.callerId,
    calling_hours_start: s.callingHours.start,
    calling_hours_end: s.callingHours.end,
    unknown_zone_policy: s.unknownZonePolicy,
    default_time_zone: s.defaultTimeZone,
    ring_timeout_ms: s.ringTimeoutMs,
    wrap_up_limit_ms: s.wrapUpLimitMs,
    abandon_message: s.abandonMessage,
    amd: JSON.stringify(s.amd),
    retry_rules: JSON.stringify(s.retryRules),
    max_attempts_per_lead: s.maxAttemptsPerLead,
    recording_enabled: s.recording.enabled,
    recording_retention_days: s.recording.retentionDays,
    recording_abandon_message: s.recording.abandonMessage,
    amd_false_positive_rate: s.amdFalsePositiveRate,
    amd_false_positive_source: s.amdFalsePositiveSource,
    abandon_target: s.abandonTarget,
  };
}

function fromRow(row: CampaignRow, dncListIds: string[]): Campaign {
  const amd = (row.amd ?? DEFAULT_AMD) as AmdSettings;
  const storedRules = (row.retry_rules ?? {}) as Partial<RetryRules>;
  return {
    id: row.id,
    status: row.status,
    name: row.name,
    dialMode: row.dial_mode,
    pacingPolicy: row.pacing_policy,
    pacingRatio: row.pacing_ratio === null ? null : Number(row.pacing_ratio),
    maxAbandonRate: Number(row.max_abandon_rate),
    abandonRateOverride: row.abandon_rate_override,
    abandonWindow: row.abandon_window,
    abandonTarget: row.abandon_target === null ? null : Number(row.abandon_target),
    amdFalsePositiveRate: Number(row.amd_false_positive_rate),
    amdFalsePositiveSource: row.amd_false_positive_source,
    callerId: row.caller_id,
    callingHours: { start: row.calling_hours_start, end: row.calling_hours_end },
    unknownZonePolicy: row.unknown_zone_policy,
    defaultTimeZone: row.default_time_zone,
    ringTimeoutMs: row.ring_timeout_ms,
    wrapUpLimitMs: row.wrap_up_limit_ms,
    abandonMessage: row.abandon_message,
    amd,
    recording: { enabled: row.recording_enabled, retentionDays: row.recording_retention_days, abandonMessage: row.recording_abandon_message },
    retryRules: { ...DEFAULT_RETRY_RULES, ...storedRules },
    maxAttemptsPerLead: row.max_attempts_per_lead,
    dncListIds,
    settingsVersion: Number(row.settings_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Campaigns in PostgreSQL (`campaigns` + `campaign_dnc_lists`); each mutation locks the row,
 * writes, and records its audit entry in one transaction.
 *
 * @example
 * ```ts
 * const repo = new CampaignRepository(db, auditLog);
 * const c = await repo.get(id);
 * ```
 */
export class CampaignRepository implements CampaignStore, RunningCampaigns {
  readonly #db: Kysely<Database>;
  readonly #auditLog: AuditLogRepository;

  constructor(db: Kysely<Database>, auditLog: AuditLogRepository) {
    this.#db = db;
    this.#auditLog = auditLog;
  }

  async create(settings: CampaignSettings, actor: AuditActor): Promise<Campaign> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('campaigns').values(toRow(settings)).returningAll().executeTakeFirstOrThrow();
        await this.#attach(trx, row.id, settings.dncListIds);
        const created = fromRow(row, [...settings.dncListIds].sort());
        await this.#auditLog.record({ ...actor, action: 'campaign.create', entityType: 'campaign', entityId: row.id, before: null, after: created }, trx);
        return created;
      });
    } catch (err) {
      throw this.#translate(err, settings.name);
    }
  }

  async get(id: string): Promise<Campaign | undefined> {
    const row = await this.#db.selectFrom('campaigns').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (row === undefined) return undefined;
    return fromRow(row, await this.#dncListIds(this.#db, id));
  }

  async runningIds(): Promise<string[]> {
    const rows = await this.#db.selectFrom('campaigns').select('id').where('status', '=', 'running').where('deleted_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  load(campaignId: string): Promise<Campaign | undefined> {
    return this.get(campaignId);
  }

  async list(query: CampaignListQuery): Promise<{ items: Campaign[]; total: number }> {
    let base = this.#db.selectFrom('campaigns').where('deleted_at', 'is', null);
    if (query.status !== undefined) base = base.where('status', '=', query.status);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'asc').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const links = rows.length === 0 ? [] : await this.#db.selectFrom('campaign_dnc_lists').selectAll().where('campaign_id', 'in', rows.map((r) => r.id)).execute();
    const byCampaign = new Map<string, string[]>();
    for (const l of links) byCampaign.set(l.campaign_id, [...(byCampaign.get(l.campaign_id) ?? []), l.dnc_list_id]);
    return { items: rows.map((r) => fromRow(r, (byCampaign.get(r.id) ?? []).sort())), total: Number(count.n) };
  }

  async update(id: string, change: (current: Campaign) => CampaignSettings, actor: AuditActor): Promise<Campaign | undefined> {
    let name = '';
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const current = await this.#lock(trx, id);
        if (current === undefined) return undefined;
        const next = change(current);
        name = next.name;
        const row = await trx.updateTable('campaigns').set({ ...toRow(next), settings_version: sql`settings_version + 1`, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await trx.deleteFrom('campaign_dnc_lists').where('campaign_id', '=', id).execute();
        await this.#attach(trx, id, next.dncListIds);
        const updated = fromRow(row, [...next.dncListIds].sort());
        await this.#auditLog.record({ ...actor, action: 'campaign.update', entityType: 'campaign', entityId: id, before: current, after: updated }, trx);
        return updated;
      });
    } catch (err) {
      throw this.#translate(err, name);
    }
  }

  async transition(id: string, action: string, decide: (current: Campaign) => CampaignStatus, actor: AuditActor): Promise<Campaign | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await this.#lock(trx, id);
      if (current === undefined) return undefined;
      const status = decide(current);
      const row = await trx.updateTable('campaigns').set({ status, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      const updated = fromRow(row, current.dncListIds);
      await this.#auditLog.record({ ...actor, action, entityType: 'campaign', entityId: id, before: { status: current.status }, after: { status } }, trx);
      return updated;
    });
  }

  async softDelete(id: string, check: (current: Campaign) => void, actor: AuditActor): Promise<Campaign | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await this.#lock(trx, id);
      if (current === undefined) return undefined;
      check(current);
      await trx.updateTable('campaigns').set({ deleted_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
      await this.#auditLog.record({ ...actor, action: 'campaign.delete', entityType: 'campaign', entityId: id, before: current, after: null }, trx);
      return current;
    });
  }

  async hasLeads(id: string): Promise<boolean> {
    const row = await this.#db.selectFrom('leads').select('id').where('campaign_id', '=', id).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async missingDncLists(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await this.#db.selectFrom('dnc_lists').select('id').where('id', 'in', [...ids]).where('deleted_at', 'is', null).execute();
    const have = new Set(found.map((f) => f.id));
    return ids.filter((id) => !have.has(id));
  }

  async #lock(trx: Transaction<Database>, id: string): Promise<Campaign | undefined> {
    const row = await trx.selectFrom('campaigns').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
    if (row === undefined) return undefined;
    return fromRow(row, await this.#dncListIds(trx, id));
  }

  async #dncListIds(db: Kysely<Database>, id: string): Promise<string[]> {
    const rows = await db.selectFrom('campaign_dnc_lists').select('dnc_list_id').where('campaign_id', '=', id).orderBy('dnc_list_id').execute();
    return rows.map((r) => r.dnc_list_id);
  }

  async #attach(trx: Transaction<Database>, campaignId: string, dncListIds: readonly string[]): Promise<void> {
    if (dncListIds.length === 0) return;
    await trx.insertInto('campaign_dnc_lists').values(dncListIds.map((dnc_list_id) => ({ campaign_id: campaignId, dnc_list_id }))).execute();
  }

  #translate(err: unknown, name: string): unknown {
    if (isUniqueViolation(err)) {
      return new PacerError('CONFLICT', `a campaign named '${name}' already exists`, { cause: err, issues: [{ field: 'name', reason: 'already in use by another campaign' }] });
    }
    return err;
  }
}
