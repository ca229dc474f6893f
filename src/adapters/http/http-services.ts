import type { CampaignService } from '../../domain/campaign/campaign-service.ts';
import type { DncService } from '../../domain/dnc/dnc-service.ts';
import type { ApiKeyRepository } from '../db/repositories/api-key-repository.ts';
import type { AuditLogRepository } from '../db/repositories/audit-log-repository.ts';
import type { CampaignRepository } from '../db/repositories/campaign-repository.ts';
import type { DncRepository } from '../db/repositories/dnc-repository.ts';
import type { LeadQueryRepository } from '../db/repositories/lead-query-repository.ts';
import type { CountryCode } from '../../domain/leads/phone-number.ts';

/**
 * What the HTTP app's core routes use: the domain services and the repositories they read. The
 * composition root (`src/app/create-services.ts`) builds it; the app never imports the root.
 *
 * @example
 * ```ts
 * const app = await buildApp({ services: createServices({ db, pool, defaultRegion: 'US' }), readinessChecks: [] });
 * ```
 */
export interface HttpServices {
  auditLog: AuditLogRepository;
  apiKeys: ApiKeyRepository;
  campaignRepository: CampaignRepository;
  campaigns: CampaignService;
  dncRepository: DncRepository;
  dnc: DncService;
  leads: LeadQueryRepository;
  /** Region a phone number written without `+` is read in (query filters, like the import). */
  defaultRegion: CountryCode;
}
