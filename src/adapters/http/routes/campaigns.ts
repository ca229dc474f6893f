import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Campaign } from '../../../domain/campaign/campaign.ts';
import type { CampaignService } from '../../../domain/campaign/campaign-service.ts';
import type { CampaignCommand } from '../../../domain/campaign/campaign-status.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { CampaignCreateBody, CampaignIdParams, CampaignList, CampaignListQuery, CampaignPatchBody, CampaignSchema } from '../schemas/campaign-schemas.ts';

export interface CampaignRoutesOptions {
  campaigns: CampaignService;
}

const tags = ['campaigns'];
const writers = ['admin', 'manager'] as const;
const readers = ['admin', 'manager', 'compliance', 'agent'] as const;

/** JSON-safe view (dates as ISO strings) for responses. */
function view(c: Campaign) {
  return { ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

/**
 * Campaign CRUD and the start / pause / stop commands.
 *
 * @example
 * ```ts
 * await app.register(campaignRoutes, { prefix: '/v1', campaigns: campaignService });
 * ```
 */
const campaignRoutes: FastifyPluginAsyncTypebox<CampaignRoutesOptions> = async function campaignRoutes(app, opts) {
  const { campaigns } = opts;

  app.post('/campaigns', {
    config: { roles: writers },
    schema: { tags, summary: 'Create a campaign', body: CampaignCreateBody, response: { 201: CampaignSchema, ...errorResponses(400, 401, 403, 409) } },
  }, async (request, reply) => {
    const created = await campaigns.create(request.principal, request.body);
    return reply.status(201).send(view(created));
  });

  app.get('/campaigns', {
    config: { roles: readers },
    schema: { tags, summary: 'List campaigns (newest first)', querystring: CampaignListQuery, response: { 200: CampaignList, ...errorResponses(400, 401, 403) } },
  }, async (request) => {
    const limit = request.query.limit ?? 50;
    const offset = request.query.offset ?? 0;
    const page = await campaigns.list({ limit, offset, ...(request.query.status !== undefined ? { status: request.query.status } : {}) });
    return { items: page.items.map(view), total: page.total, limit, offset };
  });

  app.get('/campaigns/:id', {
    config: { roles: readers },
    schema: { tags, summary: 'Get a campaign', params: CampaignIdParams, response: { 200: CampaignSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => view(await campaigns.get(request.params.id)));

  app.patch('/campaigns/:id', {
    config: { roles: writers },
    schema: { tags, summary: 'Change campaign settings', params: CampaignIdParams, body: CampaignPatchBody, response: { 200: CampaignSchema, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => view(await campaigns.update(request.principal, request.params.id, request.body)));

  app.delete('/campaigns/:id', {
    config: { roles: writers },
    schema: { tags, summary: 'Delete a campaign (soft delete; a running campaign must be paused or stopped first)', params: CampaignIdParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await campaigns.remove(request.principal, request.params.id);
    return reply.status(204).send(null);
  });

  const commands: { command: CampaignCommand; summary: string }[] = [
    { command: 'start', summary: 'Start (or resume) a campaign: draft|paused -> running. Needs a valid caller ID and leads.' },
    { command: 'pause', summary: 'Pause a running campaign: running -> paused' },
    { command: 'stop', summary: 'Stop a campaign for good: draft|running|paused -> stopped' },
  ];
  for (const { command, summary } of commands) {
    app.post(`/campaigns/:id/${command}`, {
      config: { roles: writers },
      schema: { tags, summary, params: CampaignIdParams, response: { 200: CampaignSchema, ...errorResponses(400, 401, 403, 404, 409) } },
    }, async (request) => view(await campaigns.command(request.principal, request.params.id, command)));
  }
};

export default campaignRoutes;
