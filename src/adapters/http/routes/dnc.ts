import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { DncList } from '../../../domain/dnc/dnc-list.ts';
import type { DncService } from '../../../domain/dnc/dnc-service.ts';
import type { CampaignService } from '../../../domain/campaign/campaign-service.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { dncUploadRows, jsonUploadRows } from '../csv/dnc-upload-rows.ts';

export interface DncRoutesOptions {
  dnc: DncService;
  campaigns: CampaignService;
  /** Largest accepted upload (JSON or CSV), bytes. Default 64 MiB (~3 million numbers). */
  maxUploadBytes?: number;
}

const tags = ['dnc'];
const writers = ['admin', 'manager', 'compliance'] as const;
const readers = ['admin', 'manager', 'compliance', 'agent'] as const;

const Scope = Type.Enum(['global', 'campaign'], { description: 'global: applies to every campaign; campaign: applies to the campaigns it is attached to' });
const DncListSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  scope: Scope,
  internal: Type.Boolean({ description: 'The built-in list that always applies' }),
  version: Type.Integer({ description: 'Grows on every change' }),
  entries: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
const ListParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const BulkResult = Type.Object({
  added: Type.Integer(),
  duplicates: Type.Integer({ description: 'Valid numbers already on the list or repeated in the upload' }),
  rejected: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() }), { description: 'Rejected rows (the first 1000), 1-based' }),
});
const CheckResult = Type.Object({
  blocked: Type.Boolean(),
  e164: Type.String(),
  lists: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), scope: Scope })),
});

function view(l: DncList) {
  return { ...l, createdAt: l.createdAt.toISOString() };
}

/**
 * Do-not-call lists: create/list/delete lists, bulk-add numbers (JSON array or CSV), remove a
 * number, and check a number.
 *
 * @example
 * ```ts
 * await app.register(dncRoutes, { prefix: '/v1', dnc: dncService, campaigns: campaignService });
 * ```
 */
const dncRoutes: FastifyPluginAsyncTypebox<DncRoutesOptions> = async function dncRoutes(app, opts) {
  const { dnc, campaigns } = opts;
  const bodyLimit = opts.maxUploadBytes ?? 64 * 1024 * 1024;

  app.post('/dnc-lists', {
    config: { roles: writers },
    schema: {
      tags,
      summary: 'Create a DNC list',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), scope: Scope }, { additionalProperties: false }),
      response: { 201: DncListSchema, ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => reply.status(201).send(view(await dnc.createList(request.principal, request.body))));

  app.get('/dnc-lists', {
    config: { roles: readers },
    schema: { tags, summary: 'List DNC lists (the internal list included)', response: { 200: Type.Object({ items: Type.Array(DncListSchema) }), ...errorResponses(401, 403) } },
  }, async () => ({ items: (await dnc.listLists()).map(view) }));

  app.get('/dnc-lists/:id', {
    config: { roles: readers },
    schema: { tags, summary: 'Get a DNC list', params: ListParams, response: { 200: DncListSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => view(await dnc.getList(request.params.id)));

  app.delete('/dnc-lists/:id', {
    config: { roles: ['admin', 'compliance'] },
    schema: { tags, summary: 'Delete a DNC list (soft; detaches it from campaigns). The internal list cannot be deleted.', params: ListParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await dnc.deleteList(request.principal, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/dnc-lists/:id/numbers', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags, summary: "A DNC list's numbers, E.164 order, in pages (`after` = the previous page's `next`)",
      params: ListParams,
      querystring: Type.Object({ after: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ e164: Type.String(), addedAt: Type.String({ format: 'date-time' }) })), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => dnc.listNumbers(request.params.id, { limit: request.query.limit ?? 100, ...(request.query.after === undefined ? {} : { after: request.query.after }) }));

  app.post('/dnc-lists/:id/numbers', {
    config: { roles: writers },
    bodyLimit,
    schema: {
      tags,
      summary: 'Add numbers: a JSON array of numbers, or text/csv (a `phone` column, else the first column)',
      description: 'Numbers are normalized to E.164 (numbers without + are read in PACER_DEFAULT_REGION). Invalid rows are reported and skipped; everything else is added in one transaction.',
      params: ListParams,
      body: {
        content: {
          'application/json': { schema: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1 }) },
          // The CSV body reaches the handler as a stream: `{}` lets it through unvalidated.
          'text/csv': { schema: Type.Unknown({ description: 'CSV file: a `phone` column, else the first column' }) },
        },
      },
      response: { 200: BulkResult, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request) => {
    const body: unknown = request.body;
    if (Array.isArray(body)) {
      const bad = body.findIndex((v) => typeof v !== 'string');
      if (bad >= 0) throw new PacerError('VALIDATION_FAILED', 'the body must be an array of phone-number strings', { issues: [{ field: `[${bad}]`, reason: 'must be a string' }] });
      return dnc.addNumbers(request.principal, request.params.id, jsonUploadRows(body as string[]));
    }
    if (isReadable(body)) return dnc.addNumbers(request.principal, request.params.id, dncUploadRows(body, bodyLimit));
    throw new PacerError('VALIDATION_FAILED', 'send a JSON array of numbers or a text/csv file', { issues: [{ field: 'body', reason: 'must be a non-empty JSON array or text/csv' }] });
  });

  app.delete('/dnc-lists/:id/numbers/:e164', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags,
      summary: 'Remove a number from a DNC list (compliance and admin only; the reason is audited)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }), e164: Type.String({ minLength: 1, maxLength: 64 }) }),
      querystring: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why the number may be called again (kept in the audit log)' }) }, { additionalProperties: false }),
      response: { 204: { type: 'null', description: 'Removed' }, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    await dnc.removeNumber(request.principal, request.params.id, request.params.e164, request.query.reason);
    return reply.status(204).send(null);
  });

  app.get('/dnc/check', {
    config: { roles: readers },
    schema: {
      tags,
      summary: 'Is this number blocked? Global lists always apply; with campaignId, also the lists attached to that campaign.',
      querystring: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 64 }), campaignId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
      response: { 200: CheckResult, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { phone, campaignId } = request.query;
    if (campaignId !== undefined) await campaigns.get(campaignId);
    return dnc.check(phone, campaignId);
  });
};

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function' && Symbol.asyncIterator in value;
}

export default dncRoutes;
