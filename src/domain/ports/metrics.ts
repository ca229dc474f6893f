/**
 * Event-driven runtime metrics. The runtime calls these at the matching transitions; the Prometheus
 * adapter (src/adapters/metrics/prom-runtime-metrics.ts) turns them into `pacer_*` series, and
 * {@link NO_RUNTIME_METRICS} ignores them (tests, simulator).
 *
 * @example
 * ```ts
 * metrics.callOriginated(campaignId, originateLatencyMs);
 * metrics.callEnded(campaignId, 'human', false);
 * metrics.answerToBridgeMs(campaignId, 640);
 * ```
 */
export interface RuntimeMetrics {
  /** A call was originated; `latencyMs` from the originate request to the telephony's acceptance. */
  callOriginated(campaignId: string, latencyMs: number): void;
  /** The dial gate blocked a dial (`reason` is the DialBlockReason). */
  dialBlocked(campaignId: string, reason: string): void;
  /** A call ended with its final outcome; `abandoned` for an abandoned live answer. */
  callEnded(campaignId: string, outcome: string, abandoned: boolean): void;
  /** A call was answered (any outcome classification to follow). */
  callAnswered(campaignId: string): void;
  /** AMD classified an answer: `human`, `machine` or `unknown`, after `decisionMs`. */
  amdDecision(campaignId: string, result: 'human' | 'machine' | 'unknown', decisionMs: number): void;
  /** A live answer was bridged to an agent this long after the answer (greeting included). */
  answerToBridgeMs(campaignId: string, ms: number): void;
  /** A pacing decision: the dial level the policy runs at and the live answers it expects. */
  pacingDecision(campaignId: string, dialLevel: number, expectedLiveAnswers: number | undefined, callsToPlace: number): void;
  /**
   * One pacing tick finished: `decideMs` is the policy's own computation, `totalMs` the whole tick
   * (lead lease, dial gate, decision trail and record writes, originations).
   */
  pacingTick(campaignId: string, decideMs: number, totalMs: number): void;
}

/** Metrics that go nowhere. */
export const NO_RUNTIME_METRICS: RuntimeMetrics = {
  callOriginated: () => undefined,
  dialBlocked: () => undefined,
  callEnded: () => undefined,
  callAnswered: () => undefined,
  amdDecision: () => undefined,
  answerToBridgeMs: () => undefined,
  pacingDecision: () => undefined,
  pacingTick: () => undefined,
};
