import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** A named dependency /readyz checks: resolves true when reachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface HealthRoutesOptions {
  checks: readonly ReadinessCheck[];
  /** Longest wait per check before it counts as down. Default 500 ms, so /readyz answers within 1 s. */
  checkTimeoutMs?: number;
}

const Dependency = Type.Object({ name: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({ status: Type.Enum(['ready', 'unavailable']), dependencies: Type.Array(Dependency) });

/**
 * One check at a time per dependency: a probe arriving while the previous one still waits (a frozen
 * database answers nothing until the query timeout) joins it instead of taking another connection,
 * so probes never pile up and starve the dialer of pool slots.
 */
function singleFlight(check: ReadinessCheck, inflight: Map<string, Promise<boolean>>): Promise<boolean> {
  const pending = inflight.get(check.name);
  if (pending !== undefined) return pending;
  const started = check.check().finally(() => inflight.delete(check.name));
  inflight.set(check.name, started);
  return started;
}

async function run(check: ReadinessCheck, timeoutMs: number, inflight: Map<string, Promise<boolean>>): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([singleFlight(check, inflight), timeout]);
    if (result === 'timeout') return { name: check.name, ok: false, error: `no answer within ${timeoutMs} ms` };
    return result ? { name: check.name, ok: true } : { name: check.name, ok: false, error: 'unreachable' };
  } catch (err) {
    // Reported in the answer (never swallowed): the name and class of failure, not internals.
    return { name: check.name, ok: false, error: err instanceof Error && 'code' in err ? `unreachable (${String((err as { code: unknown }).code)})` : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness (`GET /healthz`: the process answers) and readiness (`GET /readyz`: every dependency
 * reachable, else 503 naming the failed ones). Both are public.
 *
 * @example
 * ```ts
 * await app.register(healthRoutes, { checks: [{ name: 'database', check: pingDb }, { name: 'queue', check: () => queue.ping() }] });
 * ```
 */
const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async function healthRoutes(app, opts) {
  const timeoutMs = opts.checkTimeoutMs ?? 500;
  const inflight = new Map<string, Promise<boolean>>();
  app.get('/healthz', {
    schema: { tags: ['health'], security: [], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['health'], security: [], summary: 'Readiness: database and queue reachable (503 names the failed dependency)', response: { 200: Readiness, 503: Readiness } },
  }, async (_request, reply) => {
    const dependencies = await Promise.all(opts.checks.map((c) => run(c, timeoutMs, inflight)));
    for (const d of dependencies) if (!d.ok) reply.log.warn({ dependency: d.name, error: d.error }, 'readiness check failed');
    const ready = dependencies.every((d) => d.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', dependencies });
  });
};

export default healthRoutes;
