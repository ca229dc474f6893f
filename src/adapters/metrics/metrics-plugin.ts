import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import type { MetricsRegistry } from './metrics-registry.ts';

export interface MetricsPluginOptions {
  metrics: MetricsRegistry;
}

/**
 * `GET /metrics` in Prometheus text format, and the API latency histogram fed from every response.
 * Register it at the root (not under /v1); it is unauthenticated like /healthz, so expose it only on
 * the internal network.
 */
export async function metricsPlugin(app: FastifyInstance, opts: MetricsPluginOptions): Promise<void> {
  const { metrics } = opts;
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    metrics.httpRequestDurationSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
