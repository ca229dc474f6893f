import { PacerError } from '../pacer-error.ts';
import type { PacingPolicy, PacingPolicyConfig } from './pacing-policy.ts';

// PLACEHOLDER owned by the VICIDIAL engineer: replace this whole file with the real policy.
export function createVicidialPolicy(_config: PacingPolicyConfig): PacingPolicy {
  throw new PacerError('INTERNAL', 'vicidial policy not implemented yet');
}
