import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CampaignService } from '../../../domain/campaign/campaign-service.ts';
import { normalizePhoneNumber, type CountryCode } from '../../../domain/leads/phone-number.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import { LEAD_STATUSES, type LeadQueryRepository } from '../../db/repositories/lead-query-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface LeadRoutesOptions {
  leads: LeadQueryRepository;
  campaigns: CampaignService;
  defaultRegion: CountryCode;
}

const tags = ['leads'];
/** Leads carry personal data: the people who run and audit campaigns, not agents (they get their lead in the screen pop). */
const readers = ['admin', 'manager', 'compliance'] as const;
const Uuid = Type.String({ format: 'uuid' });
const LeadId = Type.String({ pattern: '^[1-9][0-9]{0,18}$', description: 'lead id (bigint)' });
const Zone = Type.Union([Type.String(), Type.Null()]);
const ZoneSource = Type.String({ description: 'column | zip | state | phone | ambiguous | unknown' });
const Status = Type.Enum([...LEAD_STATUSES]);

const PhoneSchema = Type.Object({
  position: Type.Integer(), e164: Type.String(), attempts: Type.Integer(), dncFlagged: Type.Boolean(),
  timezone: Zone, timezoneSource: Type.Union([ZoneSource, Type.Null()], { description: "null: the lead's zone applies" }), timezoneCandidates: Type.Union([Type.Array(Type.String()), Type.Null()]),
});
const LeadSchema = Type.Object({
  id: Type.String(), campaignId: Uuid, leadListId: Uuid, sourceRow: Type.Integer(),
  firstName: Zone, lastName: Zone, email: Zone, state: Zone, zip: Zone,
  timezone: Zone, timezoneSource: ZoneSource, timezoneCandidates: Type.Union([Type.Array(Type.String()), Type.Null()]),
  custom: Type.Record(Type.String(), Type.String()),
  status: Status, attempts: Type.Integer(), nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  callbackAgentId: Type.Union([Uuid, Type.Null()]), lastOutcome: Zone, createdAt: Type.String({ format: 'date-time' }),
  phones: Type.Array(PhoneSchema),
});
const AttemptSchema = Type.Object({
  id: Uuid, phone: Type.String(), originatedAt: Type.Union([Type.String(), Type.Null()]), endedAt: Type.Union([Type.String(), Type.Null()]),
  outcome: Zone, abandoned: Type.Boolean(), agentId: Type.Union([Uuid, Type.Null()]), disposition: Zone, timezone: Zone, localTimeAtDial: Zone,
});

/**
 * The work of a campaign, as its manager and compliance officer need to see it: its leads (filter by
 * status or number, keyset pages), one lead with its numbers, their zones and where the zones came
 * from, and its attempt history, and the counts by status.
 *
 * @example
 * ```ts
 * GET /v1/campaigns/{id}/leads?status=callback&limit=50      -> { items, next }
 * GET /v1/campaigns/{id}/leads?after={next}                  -> the next page
 * GET /v1/leads/{leadId}                                     -> { lead, attempts }
 * ```
 */
const leadRoutes: FastifyPluginAsyncTypebox<LeadRoutesOptions> = async function leadRoutes(app, opts) {
  const { leads, campaigns, defaultRegion } = opts;

  app.get('/campaigns/:id/leads', {
    config: { roles: readers },
    schema: {
      tags, summary: "List a campaign's leads (by id), optionally by status or phone number",
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object({
        status: Type.Optional(Status),
        phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40, description: 'any spelling; normalized like the import' })),
        after: Type.Optional(LeadId),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(LeadSchema), next: Type.Union([Type.String(), Type.Null()], { description: 'pass as `after` for the next page; null at the end' }) }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    await campaigns.get(request.params.id);
    const q = request.query;
    let phone: string | undefined;
    if (q.phone !== undefined) {
      const n = normalizePhoneNumber(q.phone, defaultRegion);
      if (!n.ok) throw new PacerError('VALIDATION_FAILED', `phone: ${n.reason}`, { issues: [{ field: 'phone', reason: n.reason }] });
      phone = n.e164;
    }
    return leads.list({ campaignId: request.params.id, limit: q.limit ?? 50, ...(q.status === undefined ? {} : { status: q.status }), ...(phone === undefined ? {} : { phone }), ...(q.after === undefined ? {} : { after: q.after }) });
  });

  app.get('/campaigns/:id/lead-counts', {
    config: { roles: readers },
    schema: {
      tags, summary: "A campaign's leads counted by status",
      params: Type.Object({ id: Uuid }),
      response: { 200: Type.Object({ campaignId: Uuid, total: Type.Integer(), byStatus: Type.Record(Type.String(), Type.Integer()) }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    await campaigns.get(request.params.id);
    return { campaignId: request.params.id, ...(await leads.counts(request.params.id)) };
  });

  app.get('/leads/:leadId', {
    config: { roles: readers },
    schema: {
      tags, summary: 'One lead: its fields, numbers with their zones, and every attempt',
      params: Type.Object({ leadId: LeadId }),
      response: { 200: Type.Object({ lead: LeadSchema, attempts: Type.Array(AttemptSchema) }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const found = await leads.get(request.params.leadId);
    if (found === undefined) throw new PacerError('NOT_FOUND', `lead ${request.params.leadId} not found`);
    return found;
  });
};

export default leadRoutes;
