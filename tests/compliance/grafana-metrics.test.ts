import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/adapters/metrics/metrics-registry.ts';
import { createPromRuntimeMetrics } from '../../src/adapters/metrics/prom-runtime-metrics.ts';
import { registerRuntimeGauges } from '../../src/adapters/metrics/runtime-gauges.ts';

const DASHBOARDS = join(import.meta.dirname, '../../grafana/dashboards');

/** The service's registry as the composition root builds it, with one running campaign. */
function buildRegistry() {
  const metrics = createMetricsRegistry();
  registerRuntimeGauges(metrics.registry, {
    runningCampaignIds: () => ['c1'],
    stats: () => ({ liveCalls: 3, callsByPhase: { ringing: 2, connected: 1 }, agentsByState: { ready: 1, on_call: 2 }, lastDecision: { dialLevel: 1.8, expectedLiveAnswers: 0.9 }, abandonRate: 0.02, liveAnswers: 50, abandoned: 1 }),
    hopperDepth: async () => 42,
    capacity: () => ({ freeSessions: 97, cpsTokens: 10 }),
  });
  const runtime = createPromRuntimeMetrics(metrics.registry);
  return { metrics, runtime };
}

/** Exported series names: histograms expose _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  const { metrics } = buildRegistry();
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

describe('Grafana dashboards', () => {
  const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));

  it('has the four dashboards', () => {
    expect(files.sort()).toEqual(['agents.json', 'campaign-overview.json', 'compliance.json', 'engine-health.json']);
  });

  it.each(files)('%s only queries metrics the service exports', async (file) => {
    const names = await exportedNames();
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: { targets?: { expr: string }[] }[]; templating: { list: { query?: string }[] } };
    const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.query === undefined ? [] : [v.query]))];
    const queried = new Set(exprs.flatMap((e) => e.match(/pacer_[a-z0-9_]+/g) ?? []));
    expect(queried.size).toBeGreaterThan(0);
    expect([...queried].filter((n) => !names.has(n))).toEqual([]);
  });
});

describe('runtime metrics', () => {
  it('exposes scrape-time gauges and event counters with campaign labels', async () => {
    const { metrics, runtime } = buildRegistry();
    runtime.callEnded('c1', 'human', true);
    runtime.callEnded('c1', 'machine', false);
    runtime.answerToBridgeMs('c1', 2500);
    runtime.pacingDecision('c1', 2.1, 0.8, 3);
    runtime.pacingTick('c1', 0.4, 12);
    const text = await metrics.registry.metrics();
    expect(text).toContain('pacer_calls_total{campaign_id="c1",outcome="human"} 1');
    expect(text).toContain('pacer_calls_abandoned_total{campaign_id="c1"} 1');
    expect(text).toContain('pacer_answer_to_bridge_seconds_bucket{le="2.5",campaign_id="c1"} 1');
    expect(text).toContain('pacer_answer_to_bridge_seconds_bucket{le="2",campaign_id="c1"} 0');
    expect(text).toContain('pacer_pacing_dial_level{campaign_id="c1"} 2.1');
    expect(text).toContain('pacer_pacing_tick_seconds_bucket{le="0.0005",campaign_id="c1",part="decide"} 1');
    expect(text).toContain('pacer_pacing_tick_seconds_bucket{le="0.01",campaign_id="c1",part="total"} 0');
    expect(text).toContain('pacer_pacing_tick_seconds_bucket{le="0.025",campaign_id="c1",part="total"} 1');
    expect(text).toContain('pacer_calls_in_progress{campaign_id="c1",phase="ringing"} 2');
    expect(text).toContain('pacer_agents{campaign_id="c1",state="on_call"} 2');
    expect(text).toContain('pacer_hopper_depth{campaign_id="c1"} 42');
    expect(text).toContain('pacer_pacing_ratio{campaign_id="c1"} 1.8');
    expect(text).toContain('pacer_telephony_free_sessions 97');
    expect(text).toMatch(/pacer_nodejs_eventloop_lag_p99_seconds \d/);
  });
});
