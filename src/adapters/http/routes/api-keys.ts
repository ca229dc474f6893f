import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PacerError } from '../../../domain/pacer-error.ts';
import { actorOf } from '../../../domain/auth/principal.ts';
import { ROLES } from '../../../domain/auth/role.ts';
import type { ApiKey } from '../../../domain/auth/api-key.ts';
import type { ApiKeyRepository } from '../../db/repositories/api-key-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface ApiKeyRoutesOptions {
  apiKeys: ApiKeyRepository;
}

const tags = ['api-keys'];
const admin = ['admin'] as const;

const ApiKeySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  role: Type.Enum([...ROLES]),
  keyPrefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  agentId: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function view(k: ApiKey) {
  return { ...k, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt === null ? null : k.revokedAt.toISOString() };
}

/**
 * API keys (admin only): create (the secret is shown once), list (never secrets), revoke.
 *
 * @example
 * ```ts
 * await app.register(apiKeyRoutes, { prefix: '/v1', apiKeys });
 * ```
 */
const apiKeyRoutes: FastifyPluginAsyncTypebox<ApiKeyRoutesOptions> = async function apiKeyRoutes(app, opts) {
  const { apiKeys } = opts;

  app.post('/api-keys', {
    config: { roles: admin },
    schema: {
      tags,
      summary: 'Create an API key; the key is in this answer only',
      body: Type.Object(
        { role: Type.Enum([...ROLES]), name: Type.String({ minLength: 1, maxLength: 200 }), agentId: Type.Optional(Type.String({ format: 'uuid', description: 'Agent the key acts as (required for role agent)' })) },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Object({ id: Type.String(), key: Type.String({ description: 'The secret: store it now, it is never shown again' }), role: Type.Enum([...ROLES]), name: Type.String(), keyPrefix: Type.String(), agentId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }) }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request, reply) => {
    if (request.body.role === 'agent' && request.body.agentId === undefined) {
      throw new PacerError('VALIDATION_FAILED', 'agentId: an agent-role key must name the agent it acts as', { issues: [{ field: 'agentId', reason: 'is required for role agent' }] });
    }
    const { key, secret } = await apiKeys.create({ role: request.body.role, name: request.body.name.trim(), agentId: request.body.agentId ?? null }, actorOf(request.principal));
    return reply.status(201).send({ id: key.id, key: secret, role: key.role, name: key.name, keyPrefix: key.keyPrefix, agentId: key.agentId, createdAt: key.createdAt.toISOString() });
  });

  app.get('/api-keys', {
    config: { roles: admin },
    schema: {
      tags,
      summary: 'List API keys (never their secrets)',
      querystring: Type.Object({ includeRevoked: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => ({ items: (await apiKeys.list({ includeRevoked: request.query.includeRevoked ?? false })).map(view) }));

  app.delete('/api-keys/:id', {
    config: { roles: admin },
    schema: {
      tags,
      summary: 'Revoke an API key (409 for the last active admin key)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 204: { type: 'null', description: 'Revoked' }, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const revoked = await apiKeys.revoke(request.params.id, actorOf(request.principal));
    if (revoked === undefined) throw new PacerError('NOT_FOUND', `no API key ${request.params.id}`);
    return reply.status(204).send(null);
  });
};

export default apiKeyRoutes;
