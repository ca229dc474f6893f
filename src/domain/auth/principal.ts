import type { Role } from './role.ts';

/**
 * Who is calling: the API key that authenticated the request.
 *
 * @example
 * ```ts
 * const p: Principal = { keyId: '3f0c…', role: 'manager', agentId: null };
 * auditLog.record({ ...actorOf(p), action: 'campaign.create', ... });
 * ```
 */
export interface Principal {
  keyId: string;
  role: Role;
  /** Set for agent keys tied to an agent. */
  agentId: string | null;
}

/** The actor fields of an audit entry for a principal (null for system actions). */
export function actorOf(principal: Principal | null): { actorKeyId: string | null; actorRole: string | null } {
  return principal === null ? { actorKeyId: null, actorRole: 'system' } : { actorKeyId: principal.keyId, actorRole: principal.role };
}
