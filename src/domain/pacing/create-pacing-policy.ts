import { PacerError } from '../pacer-error.ts';
import type { PacingPolicy, PacingPolicyConfig, PacingPolicyName } from './pacing-policy.ts';
import { createPredictivePolicy } from './predictive-policy.ts';
import { createProgressivePolicy } from './progressive-policy.ts';
import { createRatioPolicy } from './ratio-policy.ts';
import { createVicidialPolicy } from './vicidial-policy.ts';

/** Every policy name `createPacingPolicy` accepts. */
export const PACING_POLICY_NAMES: readonly PacingPolicyName[] = ['progressive', 'ratio', 'vicidial', 'predictive'];

export function isPacingPolicyName(name: string): name is PacingPolicyName {
  return (PACING_POLICY_NAMES as readonly string[]).includes(name);
}

/**
 * Builds a pacing policy from its config: the one place that maps names to implementations, used by
 * the simulator and the dialer runtime alike. Throws `PacerError('CONFIG_INVALID')` on a bad config.
 *
 * @example
 * ```ts
 * const policy = createPacingPolicy({ name: 'ratio', ratio: 2, maxAbandonRate: 0.03, abandonWindow: '30d' });
 * ```
 */
export function createPacingPolicy(config: PacingPolicyConfig): PacingPolicy {
  if (!(config.maxAbandonRate >= 0 && config.maxAbandonRate <= 1)) {
    throw new PacerError('CONFIG_INVALID', `maxAbandonRate must be in [0, 1], got ${config.maxAbandonRate}`, {
      issues: [{ field: 'maxAbandonRate', reason: 'must be in [0, 1]' }],
    });
  }
  if (config.abandonWindow !== '30d' && config.abandonWindow !== '24h') {
    throw new PacerError('CONFIG_INVALID', `abandonWindow must be '30d' or '24h'`, { issues: [{ field: 'abandonWindow', reason: "must be '30d' or '24h'" }] });
  }
  switch (config.name) {
    case 'progressive':
      return createProgressivePolicy(config);
    case 'ratio':
      return createRatioPolicy(config);
    case 'vicidial':
      return createVicidialPolicy(config);
    case 'predictive':
      return createPredictivePolicy(config);
    default: {
      const name: unknown = (config as { name: unknown }).name;
      throw new PacerError('CONFIG_INVALID', `unknown pacing policy '${String(name)}'; known: ${PACING_POLICY_NAMES.join(', ')}`, {
        issues: [{ field: 'name', reason: `must be one of ${PACING_POLICY_NAMES.join(', ')}` }],
      });
    }
  }
}
