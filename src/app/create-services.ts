import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../adapters/db/database.ts';
import { AuditLogRepository } from '../adapters/db/repositories/audit-log-repository.ts';
import { ApiKeyRepository } from '../adapters/db/repositories/api-key-repository.ts';
import { CampaignRepository } from '../adapters/db/repositories/campaign-repository.ts';
import { DncRepository } from '../adapters/db/repositories/dnc-repository.ts';
import { LeadQueryRepository } from '../adapters/db/repositories/lead-query-repository.ts';
import { CampaignService } from '../domain/campaign/campaign-service.ts';
import { DncService } from '../domain/dnc/dnc-service.ts';
import type { CountryCode } from '../domain/leads/phone-number.ts';
import type { HttpServices } from '../adapters/http/http-services.ts';

/** The repositories and domain services the HTTP layer uses (its own port type). */
export type Services = HttpServices;

export interface CreateServicesOptions {
  db: Kysely<Database>;
  pool: pg.Pool;
  defaultRegion: CountryCode;
}

/**
 * Wires repositories over one database into the domain services.
 *
 * @example
 * ```ts
 * const handle = createDatabase({ connectionString });
 * const services = createServices({ db: handle.db, pool: handle.pool, defaultRegion: 'US' });
 * ```
 */
export function createServices(options: CreateServicesOptions): Services {
  const auditLog = new AuditLogRepository(options.db);
  const campaignRepository = new CampaignRepository(options.db, auditLog);
  const dncRepository = new DncRepository(options.db, options.pool, auditLog);
  return {
    auditLog,
    apiKeys: new ApiKeyRepository(options.db, auditLog),
    campaignRepository,
    campaigns: new CampaignService({ store: campaignRepository, defaultRegion: options.defaultRegion }),
    dncRepository,
    dnc: new DncService({ store: dncRepository, defaultRegion: options.defaultRegion }),
    leads: new LeadQueryRepository(options.db),
    defaultRegion: options.defaultRegion,
  };
}
