import { PacerError } from '../pacer-error.ts';
import type { PacingPolicy, PacingPolicyConfig } from './pacing-policy.ts';

// PLACEHOLDER owned by the PREDICTIVE engineer: replace this whole file with the real policy.
export function createPredictivePolicy(_config: PacingPolicyConfig): PacingPolicy {
  throw new PacerError('INTERNAL', 'predictive policy not implemented yet');
}
