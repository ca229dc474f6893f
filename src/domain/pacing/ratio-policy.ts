import { PacerError } from '../pacer-error.ts';
import type { PacingDecision, PacingPolicy, PacingPolicyConfig, PacingSnapshot } from './pacing-policy.ts';
import { boundCalls, countReadyAgents } from './progressive-policy.ts';

/** Lines per ready agent when the config gives none. */
export const DEFAULT_DIAL_RATIO = 2;

/**
 * Fixed-ratio dialing: keeps `ratio` lines per ready agent, i.e. places
 * round(ratio x ready agents) - calls in flight (never negative). Ignores the abandon budget: it is
 * the baseline the adaptive policies are measured against.
 *
 * @example
 * ```ts
 * const policy = createRatioPolicy({ name: 'ratio', ratio: 2.5, maxAbandonRate: 0.03, abandonWindow: '30d' });
 * policy.decide(snapshot).callsToPlace; // 2 ready agents, 1 call in flight -> 4
 * ```
 */
export function createRatioPolicy(config: PacingPolicyConfig): PacingPolicy {
  const ratio = config.ratio ?? DEFAULT_DIAL_RATIO;
  if (!(Number.isFinite(ratio) && ratio >= 1 && ratio <= 100)) {
    throw new PacerError('CONFIG_INVALID', `ratio must be a number from 1 to 100, got ${String(config.ratio)}`, {
      issues: [{ field: 'ratio', reason: 'must be a number from 1 to 100' }],
    });
  }
  return {
    name: 'ratio',
    observe() {
      // A fixed ratio learns nothing.
    },
    decide(snapshot: PacingSnapshot): PacingDecision {
      const ready = countReadyAgents(snapshot);
      const lines = Math.round(ratio * ready);
      return { callsToPlace: boundCalls(lines - snapshot.calls.length, snapshot), dialLevel: ratio, reason: ready === 0 ? 'no_ready_agents' : 'fixed_ratio' };
    },
  };
}
