import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus registry. Every metric is prefixed `pacer_`; the default Node.js process
 * metrics (CPU, memory, event-loop lag, GC) are on.
 *
 * @example
 * ```ts
 * const metrics = createMetricsRegistry();
 * metrics.httpRequestDurationSeconds.observe({ method: 'GET', route: '/v1/campaigns', status: '200' }, 0.004);
 * const text = await metrics.registry.metrics();
 * ```
 */
export interface MetricsRegistry {
  registry: Registry;
  httpRequestDurationSeconds: Histogram<'method' | 'route' | 'status'>;
}

export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pacer_', eventLoopMonitoringPrecision: 10 });
  const httpRequestDurationSeconds = new Histogram({
    name: 'pacer_http_request_duration_seconds',
    help: 'API request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpRequestDurationSeconds };
}
