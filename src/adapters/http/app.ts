import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import multipart from '@fastify/multipart';
import type { HttpServices } from './http-services.ts';
import { registerErrorHandler } from './plugins/error-handler.ts';
import { registerAuth } from './plugins/auth.ts';
import { createAuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMIT, type AuthFailureLimitOptions } from './plugins/auth-failure-limiter.ts';
import { registerInputGuards } from './plugins/input-guards.ts';
import healthRoutes, { type ReadinessCheck } from './routes/health.ts';
import apiKeyRoutes from './routes/api-keys.ts';
import campaignRoutes from './routes/campaigns.ts';
import dncRoutes from './routes/dnc.ts';
import auditLogRoutes from './routes/audit-log.ts';
import leadRoutes from './routes/leads.ts';

export interface BuildAppOptions {
  services: HttpServices;
  /** Dependencies /readyz reports on (database, queue...). */
  readinessChecks: readonly ReadinessCheck[];
  /** pino logger (JSON); omitted = no request logs (tests). */
  logger?: FastifyBaseLogger;
  /**
   * Root-level additions, run on the root instance after auth and before any route (so their hooks
   * see every route), e.g. `(app) => metricsPlugin(app, { metrics })` for `GET /metrics`.
   */
  registerRootFeatures?: (app: FastifyInstance) => Promise<void>;
  /** Registers more /v1 feature routes (e.g. imports) on the `/v1`-prefixed instance. */
  registerFeatures?: (v1: FastifyInstance) => Promise<void>;
  /** Largest JSON body outside upload routes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Largest upload (DNC numbers, lead CSV). Default 64 MiB. */
  maxUploadBytes?: number;
  version?: string;
  /**
   * Failed authentications allowed per client address and window before it gets 429 (whatever key
   * it presents next). Default {@link DEFAULT_AUTH_FAILURE_LIMIT}; `false` = not limited.
   */
  authFailureLimit?: AuthFailureLimitOptions | false;
}

/**
 * Builds the Fastify app: error handler, API-key auth, OpenAPI (`/docs`, `/docs/json`), health,
 * and the `/v1` routes. It does not listen: `src/app/server.ts` owns listen/close, tests use
 * `app.inject()`.
 *
 * @example
 * ```ts
 * const app = await buildApp({ services, readinessChecks: [{ name: 'database', check: pingDb }] });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(options.logger !== undefined ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Report every bad field at once; reject (never silently drop) unknown ones.
    // strictNumbers: NaN and Infinity are not numbers (query strings are also checked by the input guards).
    ajv: { customOptions: { allErrors: true, removeAdditional: false, strictNumbers: true } },
  });
  registerErrorHandler(app);
  registerInputGuards(app);

  // CSV uploads reach their route as the raw request stream, never a buffered string.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => {
    done(null, payload);
  });
  await app.register(multipart, { limits: { fileSize: options.maxUploadBytes ?? 64 * 1024 * 1024, files: 1 } });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Pacer API', description: 'Predictive outbound dialer engine', version: options.version ?? '0.1.0' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const limit = options.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT;
  const failureLimiter = limit === false ? undefined : await createAuthFailureLimiter(app, limit);
  registerAuth(app, {
    authenticate: (secret) => options.services.apiKeys.authenticate(secret),
    ...(failureLimiter !== undefined ? { failureLimiter } : {}),
  });

  if (options.registerRootFeatures !== undefined) await options.registerRootFeatures(app);
  await app.register(healthRoutes, { checks: options.readinessChecks });
  const { services } = options;
  await app.register(
    async (v1) => {
      await v1.register(apiKeyRoutes, { apiKeys: services.apiKeys });
      await v1.register(campaignRoutes, { campaigns: services.campaigns });
      await v1.register(dncRoutes, { dnc: services.dnc, campaigns: services.campaigns, ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}) });
      await v1.register(auditLogRoutes, { auditLog: services.auditLog });
      await v1.register(leadRoutes, { leads: services.leads, campaigns: services.campaigns, defaultRegion: services.defaultRegion });
      if (options.registerFeatures !== undefined) await options.registerFeatures(v1);
    },
    { prefix: '/v1' },
  );
  return app;
}
