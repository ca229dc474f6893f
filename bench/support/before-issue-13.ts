import { createPacingPolicy } from '../../src/domain/pacing/create-pacing-policy.ts';
import type { PacingPolicy, PacingPolicyConfig } from '../../src/domain/pacing/pacing-policy.ts';

/**
 * The predictive policy as production wired it before issue 13, for side-by-side benchmarks: in
 * 24 h mode it assumed the ledger counted the AMD false positives (it made no room for them, whatever
 * the ledger held), and it planned the sliding window from its own record (empty after a restart).
 * Only the budget the policy is shown changes; the ledger, the simulator and the policy are today's.
 */
export function policyBeforeIssue13(config: PacingPolicyConfig): () => PacingPolicy {
  return () => {
    const inner = createPacingPolicy(config);
    return {
      name: inner.name,
      observe: (o) => inner.observe(o),
      decide: (snapshot) => {
        const { leaving: _leaving, ...budget } = snapshot.budget;
        return inner.decide({ ...snapshot, budget: { ...budget, estimatedAmdFalsePositiveRate: config.abandonWindow === '24h' ? 1 : 0 } });
      },
    };
  };
}
