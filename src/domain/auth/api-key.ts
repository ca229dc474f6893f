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

/** Keys the service generates: `pk_` + 32 base64url characters (24 random bytes). */
const GENERATED_KEY = /^pk_[A-Za-z0-9_-]{32}$/;

/** How many leading characters of a generated key are kept visible: `pk_` + 4 (24 of its 192 random bits). */
export const API_KEY_PREFIX_LENGTH = 7;

/** What is stored and shown instead of a prefix for a key the service did not generate (PACER_ADMIN_KEY). */
export const CUSTOM_KEY_LABEL = '(custom key)';

/**
 * The visible part of a key, stored beside its hash so operators can tell keys apart. Only a
 * generated key shows a prefix (4 of its 32 random characters: the 168 bits left cannot be brute
 * forced); a key chosen by an operator (the bootstrap PACER_ADMIN_KEY, of any length and entropy)
 * shows none of its characters, so neither the table nor `GET /v1/api-keys` shortens a guess.
 *
 * @example
 * ```ts
 * visibleKeyPrefix('pk_AbCdEfGhIjKlMnOpQrStUvWxYz012345'); // 'pk_AbCd'
 * visibleKeyPrefix('my-admin-secret');                      // '(custom key)'
 * ```
 */
export function visibleKeyPrefix(secret: string): string {
  return GENERATED_KEY.test(secret) ? secret.slice(0, API_KEY_PREFIX_LENGTH) : CUSTOM_KEY_LABEL;
}
