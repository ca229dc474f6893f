import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RuntimeMetrics } from '../../domain/ports/metrics.ts';

/**
 * The Prometheus implementation of {@link RuntimeMetrics}: counters and histograms labelled by
 * campaign, registered on the service registry.
 *
 * @example
 * ```ts
 * const runtimeMetrics = createPromRuntimeMetrics(metrics.registry);
 * runtimeMetrics.callEnded(campaignId, 'human', false); // pacer_calls_total{campaign_id,outcome}
 * ```
 */
export function createPromRuntimeMetrics(registry: Registry): RuntimeMetrics {
  const registers = [registry];
  const originated = new Counter({ name: 'pacer_calls_originated_total', help: 'Calls originated.', labelNames: ['campaign_id'] as const, registers });
  const blocked = new Counter({ name: 'pacer_dials_blocked_total', help: 'Dials blocked by the compliance gate, by reason.', labelNames: ['campaign_id', 'reason'] as const, registers });
  const calls = new Counter({ name: 'pacer_calls_total', help: 'Ended calls by final outcome.', labelNames: ['campaign_id', 'outcome'] as const, registers });
  const answered = new Counter({ name: 'pacer_calls_answered_total', help: 'Answered calls.', labelNames: ['campaign_id'] as const, registers });
  const abandoned = new Counter({ name: 'pacer_calls_abandoned_total', help: 'Abandoned live answers.', labelNames: ['campaign_id'] as const, registers });
  const amd = new Counter({ name: 'pacer_amd_decisions_total', help: 'AMD classifications by result.', labelNames: ['campaign_id', 'result'] as const, registers });
  const amdSeconds = new Histogram({ name: 'pacer_amd_decision_seconds', help: 'Time AMD took to classify an answer.', labelNames: ['campaign_id'] as const, buckets: [0.5, 1, 1.5, 2, 2.5, 3, 4, 5], registers });
  const originateSeconds = new Histogram({ name: 'pacer_originate_latency_seconds', help: 'Originate request to telephony acceptance.', labelNames: ['campaign_id'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
  const bridgeSeconds = new Histogram({ name: 'pacer_answer_to_bridge_seconds', help: 'Answer to agent bridge; over 2 s after the greeting is an abandon.', labelNames: ['campaign_id'] as const, buckets: [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 10], registers });
  const dialLevel = new Gauge({ name: 'pacer_pacing_dial_level', help: 'Lines per available agent of the last pacing decision.', labelNames: ['campaign_id'] as const, registers });
  const expected = new Counter({ name: 'pacer_pacing_expected_live_answers_total', help: 'Live answers the pacing policy expected from the calls it placed (compare with pacer_calls_total{outcome="human"}).', labelNames: ['campaign_id'] as const, registers });
  const placedByPacing = new Counter({ name: 'pacer_pacing_calls_requested_total', help: 'Calls the pacing policy asked to place.', labelNames: ['campaign_id'] as const, registers });
  const tickSeconds = new Histogram({
    name: 'pacer_pacing_tick_seconds',
    help: 'Duration of a pacing tick: part="decide" is the policy computation, part="total" the whole tick with lead lease, gate, writes and originations.',
    labelNames: ['campaign_id', 'part'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  return {
    callOriginated: (campaignId, latencyMs) => {
      originated.inc({ campaign_id: campaignId });
      originateSeconds.observe({ campaign_id: campaignId }, latencyMs / 1000);
    },
    dialBlocked: (campaignId, reason) => blocked.inc({ campaign_id: campaignId, reason }),
    callEnded: (campaignId, outcome, isAbandoned) => {
      calls.inc({ campaign_id: campaignId, outcome });
      if (isAbandoned) abandoned.inc({ campaign_id: campaignId });
    },
    callAnswered: (campaignId) => answered.inc({ campaign_id: campaignId }),
    amdDecision: (campaignId, result, decisionMs) => {
      amd.inc({ campaign_id: campaignId, result });
      amdSeconds.observe({ campaign_id: campaignId }, decisionMs / 1000);
    },
    answerToBridgeMs: (campaignId, ms) => bridgeSeconds.observe({ campaign_id: campaignId }, ms / 1000),
    pacingDecision: (campaignId, level, expectedLiveAnswers, callsToPlace) => {
      dialLevel.set({ campaign_id: campaignId }, level);
      placedByPacing.inc({ campaign_id: campaignId }, callsToPlace);
      // Only the share expected from the calls placed now is not known separately: count the expectation once per placement round.
      if (expectedLiveAnswers !== undefined && callsToPlace > 0) expected.inc({ campaign_id: campaignId }, expectedLiveAnswers);
    },
    pacingTick: (campaignId, decideMs, totalMs) => {
      tickSeconds.observe({ campaign_id: campaignId, part: 'decide' }, decideMs / 1000);
      tickSeconds.observe({ campaign_id: campaignId, part: 'total' }, totalMs / 1000);
    },
  };
}
