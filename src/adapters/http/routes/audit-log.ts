import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditLogRepository } from '../../db/repositories/audit-log-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface AuditLogRoutesOptions {
  auditLog: AuditLogRepository;
}

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorKeyId: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

/**
 * The audit log (admin, compliance): newest first, filtered by entity and time, cursor-paginated.
 *
 * @example
 * ```ts
 * // GET /v1/audit-log?entityType=campaign&entityId=<id>&limit=50  ->  { items, nextCursor }
 * ```
 */
const auditLogRoutes: FastifyPluginAsyncTypebox<AuditLogRoutesOptions> = async function auditLogRoutes(app, opts) {
  app.get('/audit-log', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['audit'],
      summary: 'Who changed what, when (newest first)',
      querystring: Type.Object(
        {
          entityType: Type.Optional(Type.String({ maxLength: 64 })),
          entityId: Type.Optional(Type.String({ maxLength: 128 })),
          since: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant' })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'nextCursor of the previous page' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const q = request.query;
    const page = await opts.auditLog.list({
      limit: q.limit ?? 100,
      ...(q.entityType !== undefined ? { entityType: q.entityType } : {}),
      ...(q.entityId !== undefined ? { entityId: q.entityId } : {}),
      ...(q.since !== undefined ? { since: new Date(q.since) } : {}),
      ...(q.cursor !== undefined ? { before: q.cursor } : {}),
    });
    return { items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor };
  });
};

export default auditLogRoutes;
