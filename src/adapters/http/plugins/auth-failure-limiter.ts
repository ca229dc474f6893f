import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { AuthFailureLimiter } from './auth.ts';

export interface AuthFailureLimitOptions {
  /** Failed authentications a client address may make per window. */
  max: number;
  /** The window's length. */
  timeWindowMs: number;
}

/** Default: 20 failed authentications per address per minute. */
export const DEFAULT_AUTH_FAILURE_LIMIT: Readonly<AuthFailureLimitOptions> = Object.freeze({ max: 20, timeWindowMs: 60_000 });

/**
 * An {@link AuthFailureLimiter} on `@fastify/rate-limit` (its per-process store, keyed by the client
 * address Fastify resolves, IPv6 masked to /64): `peek` reads the counter without spending it
 * (`{ increment: false }`), `fail` spends one. Registered with `global: false`, so no route is limited
 * by request count; only failures count.
 *
 * @example
 * ```ts
 * const failureLimiter = await createAuthFailureLimiter(app, { max: 20, timeWindowMs: 60_000 });
 * registerAuth(app, { authenticate, failureLimiter });
 * ```
 */
export async function createAuthFailureLimiter(app: FastifyInstance, options: AuthFailureLimitOptions): Promise<AuthFailureLimiter> {
  await app.register(rateLimit, { global: false, max: options.max, timeWindow: options.timeWindowMs });
  const check = app.createRateLimit({ max: options.max, timeWindow: options.timeWindowMs });
  return {
    async peek(request) {
      const status = await check(request, { increment: false });
      if (status.isAllowed) return { remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 };
      return { remaining: status.remaining, retryAfterSeconds: status.ttlInSeconds };
    },
    async fail(request) {
      await check(request);
    },
  };
}
