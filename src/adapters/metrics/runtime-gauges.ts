import { Gauge, type Registry } from 'prom-client';
import type { TelephonyCapacity } from '../../domain/ports/telephony-port.ts';

/** What the scrape-time gauges read: the running campaigns' live stats (no runtime change needed). */
export interface RuntimeGaugeSource {
  runningCampaignIds(): string[];
  stats(campaignId: string): {
    liveCalls: number;
    callsByPhase: Record<string, number>;
    agentsByState: Record<string, number>;
    lastDecision: { dialLevel: number; expectedLiveAnswers?: number } | undefined;
    abandonRate: number;
    liveAnswers: number;
    abandoned: number;
  } | undefined;
  /** Due leads of a campaign (a database count). */
  hopperDepth(campaignId: string): Promise<number>;
  capacity(): TelephonyCapacity;
}

/** Longest a scrape waits for the hopper-depth count: `/metrics` must answer during a database outage. */
export const HOPPER_DEPTH_TIMEOUT_MS = 250;

/**
 * The hopper depth of every running campaign, each count bounded by `timeoutMs` and single-flight
 * (a scrape during an outage joins the count still waiting instead of queueing another query).
 * A count that fails or does not answer in time is left out of the scrape, never waited for.
 */
function boundedHopperDepth(source: RuntimeGaugeSource, timeoutMs: number): (campaignId: string) => Promise<number | undefined> {
  const inflight = new Map<string, Promise<number>>();
  return async (campaignId) => {
    let started = inflight.get(campaignId);
    if (started === undefined) {
      started = source.hopperDepth(campaignId).finally(() => inflight.delete(campaignId));
      inflight.set(campaignId, started);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([started, timeout]);
    } catch {
      // The count failed (database down): the gauge is left out of this scrape; the outage itself
      // is reported by /readyz and the database pool's error log.
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Gauges sampled at scrape time (`collect()`): calls by phase, agents by state, abandon rate, pacing
 * dial level and expected live answers, hopper depth, telephony capacity, for every campaign running
 * on this node. Gauges are reset on each scrape so stopped campaigns disappear.
 *
 * @example
 * ```ts
 * registerRuntimeGauges(metrics.registry, { runningCampaignIds: () => runtime.runningCampaignIds(), stats: (id) => runtime.stats(id), hopperDepth, capacity: () => telephony.capacity() });
 * ```
 */
export function registerRuntimeGauges(registry: Registry, source: RuntimeGaugeSource, options: { hopperDepthTimeoutMs?: number } = {}): void {
  const registers = [registry];
  const hopperDepth = boundedHopperDepth(source, options.hopperDepthTimeoutMs ?? HOPPER_DEPTH_TIMEOUT_MS);
  const each = (fn: (id: string, s: NonNullable<ReturnType<RuntimeGaugeSource['stats']>>) => void): void => {
    for (const id of source.runningCampaignIds()) {
      const s = source.stats(id);
      if (s !== undefined) fn(id, s);
    }
  };
  new Gauge({
    name: 'pacer_calls_in_progress', help: 'Live calls by phase.', labelNames: ['campaign_id', 'phase'] as const, registers,
    collect() {
      this.reset();
      each((id, s) => { for (const [phase, n] of Object.entries(s.callsByPhase)) this.set({ campaign_id: id, phase }, n); });
    },
  });
  new Gauge({
    name: 'pacer_agents', help: 'Agents by state.', labelNames: ['campaign_id', 'state'] as const, registers,
    collect() {
      this.reset();
      each((id, s) => { for (const [state, n] of Object.entries(s.agentsByState)) this.set({ campaign_id: id, state }, n); });
    },
  });
  new Gauge({
    name: 'pacer_abandon_rate', help: 'Abandoned live answers / live answers over the campaign\'s pacing window, as the pacing engine sees it.', labelNames: ['campaign_id'] as const, registers,
    collect() {
      this.reset();
      each((id, s) => this.set({ campaign_id: id }, s.abandonRate));
    },
  });
  new Gauge({
    name: 'pacer_pacing_ratio', help: 'Lines per available agent the pacing engine runs at.', labelNames: ['campaign_id'] as const, registers,
    collect() {
      this.reset();
      each((id, s) => { if (s.lastDecision !== undefined) this.set({ campaign_id: id }, s.lastDecision.dialLevel); });
    },
  });
  new Gauge({
    name: 'pacer_pacing_predicted_live_answers', help: 'Live answers the pacing policy expects from the calls in flight.', labelNames: ['campaign_id'] as const, registers,
    collect() {
      this.reset();
      each((id, s) => { if (s.lastDecision?.expectedLiveAnswers !== undefined) this.set({ campaign_id: id }, s.lastDecision.expectedLiveAnswers); });
    },
  });
  new Gauge({
    name: 'pacer_hopper_depth', help: 'Leads due to be dialed now.', labelNames: ['campaign_id'] as const, registers,
    async collect() {
      this.reset();
      const ids = source.runningCampaignIds();
      const depths = await Promise.all(ids.map((id) => hopperDepth(id)));
      ids.forEach((id, k) => {
        const depth = depths[k];
        if (depth !== undefined) this.set({ campaign_id: id }, depth);
      });
    },
  });
  new Gauge({
    name: 'pacer_telephony_free_sessions', help: 'Concurrent call sessions that can still be opened.', registers,
    collect() { this.set(source.capacity().freeSessions); },
  });
  new Gauge({
    name: 'pacer_telephony_cps_tokens', help: 'Calls that may be started now under the calls-per-second limit.', registers,
    collect() { this.set(source.capacity().cpsTokens); },
  });
}
