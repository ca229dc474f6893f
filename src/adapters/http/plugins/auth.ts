import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { Principal } from '../../../domain/auth/principal.ts';
import { roleMayAct, type Role } from '../../../domain/auth/role.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call the route (admin always may). Routes without roles are public, except under /v1 where they are admin-only. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every route that declares `config.roles`. */
    principal: Principal;
  }
}

export interface AuthOptions {
  /** Resolves a presented API key to its principal; undefined for an unknown or revoked key. */
  authenticate(secret: string): Promise<Principal | undefined>;
  /** Path prefix whose routes are never public (fail closed). Default `/v1`. */
  protectedPrefix?: string;
  /**
   * Checks and counts failed authentications of the request's client (see {@link AuthFailureLimiter});
   * omitted = failures are not limited.
   */
  failureLimiter?: AuthFailureLimiter;
}

/** The state of a client's failed-authentication budget. */
export interface AuthFailureStatus {
  /** Failures left before the client is refused. */
  remaining: number;
  /** Seconds until the window that counts the failures resets. */
  retryAfterSeconds: number;
}

/**
 * Counts failed authentications per client (by address): `peek` reads the budget without spending
 * it, `fail` spends one failure. Successful requests spend nothing.
 */
export interface AuthFailureLimiter {
  peek(request: FastifyRequest): Promise<AuthFailureStatus>;
  fail(request: FastifyRequest): Promise<void>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * API-key authentication and role checks for every route: `Authorization: Bearer <key>`; 401 without
 * a key or with an unknown/revoked one, 403 when the key's role is not in the route's
 * `config.roles`. Register on the root instance, before the routes.
 *
 * @example
 * ```ts
 * registerAuth(app, { authenticate: (secret) => apiKeys.authenticate(secret) });
 * app.get('/v1/things', { config: { roles: ['manager'] } }, async (req) => req.principal.role);
 * ```
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const prefix = options.protectedPrefix ?? '/v1';
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    const configured = request.routeOptions.config.roles;
    const url = request.routeOptions.url;
    if (configured === undefined && (url === undefined || !url.startsWith(prefix))) return;
    const roles: readonly Role[] = configured ?? ['admin'];
    const limiter = options.failureLimiter;
    if (limiter !== undefined) {
      // Checked before the key is looked at, so a right guess from a refused client reveals nothing.
      const status = await limiter.peek(request);
      if (status.remaining <= 0) {
        void reply.header('retry-after', String(Math.max(1, status.retryAfterSeconds)));
        throw new PacerError('RATE_LIMITED', `too many failed authentications from this address; retry in ${Math.max(1, status.retryAfterSeconds)} s`);
      }
    }
    const secret = presentedKey(request);
    if (secret === undefined) {
      await limiter?.fail(request);
      throw new PacerError('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    }
    const principal = await options.authenticate(secret);
    if (principal === undefined) {
      await limiter?.fail(request);
      throw new PacerError('UNAUTHORIZED', 'unknown or revoked API key');
    }
    if (!roleMayAct(principal.role, roles)) {
      throw new PacerError('FORBIDDEN', `role '${principal.role}' may not ${request.method} ${url ?? request.url}; allowed: ${['admin', ...roles.filter((r) => r !== 'admin')].join(', ')}`);
    }
    request.principal = principal;
  });
}
