import type { Role } from './role.ts';

/** An API key as listed: never its secret. */
export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  /** The first characters of the key, to recognise it (`pk_AbCd…`). */
  keyPrefix: string;
  agentId: string | null;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Keys are `pk_` + base64url; how many leading characters are kept visible. */
export const API_KEY_PREFIX_LENGTH = 10;

/**
 * The visible part of a key, stored beside its hash so operators can tell keys apart.
 *
 * @example
 * ```ts
 * visibleKeyPrefix('pk_AbCdEfGhIjKl'); // 'pk_AbCdEfG'
 * ```
 */
export function visibleKeyPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX_LENGTH);
}
