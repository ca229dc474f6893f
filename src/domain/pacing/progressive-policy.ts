import type { PacingDecision, PacingPolicy, PacingPolicyConfig, PacingSnapshot } from './pacing-policy.ts';

/** Ready agents in a snapshot. */
export function countReadyAgents(snapshot: PacingSnapshot): number {
  let ready = 0;
  for (const a of snapshot.agents) if (a.state === 'ready') ready++;
  return ready;
}

/** Clamps a wanted number of calls to the leads and telephony head-room available. */
export function boundCalls(wanted: number, snapshot: PacingSnapshot): number {
  const bounded = Math.min(wanted, snapshot.leadsAvailable, snapshot.capacity);
  return bounded > 0 ? Math.floor(bounded) : 0;
}

/**
 * Progressive (power) dialing: one call per ready agent not already covered by a call in flight.
 * It cannot abandon while the agents it dialed for stay ready: every answered call finds its agent.
 *
 * @example
 * ```ts
 * const policy = createProgressivePolicy({ name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' });
 * const { callsToPlace } = policy.decide(snapshot); // ready agents - calls in flight, >= 0
 * ```
 */
export function createProgressivePolicy(_config: PacingPolicyConfig): PacingPolicy {
  return {
    name: 'progressive',
    observe() {
      // Progressive dialing needs no statistics.
    },
    decide(snapshot: PacingSnapshot): PacingDecision {
      const ready = countReadyAgents(snapshot);
      const callsToPlace = boundCalls(ready - snapshot.calls.length, snapshot);
      return { callsToPlace, dialLevel: 1, expectedLiveAnswers: undefined, reason: ready === 0 ? 'no_ready_agents' : 'progressive' };
    },
  };
}
