/** The roles an API key can hold. `admin` may do everything. */
export const ROLES = ['admin', 'manager', 'agent', 'compliance'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * May a caller with `role` act on a route open to `allowed`? Admin always may.
 *
 * @example
 * ```ts
 * roleMayAct('admin', ['manager']);      // true
 * roleMayAct('agent', ['manager']);      // false
 * roleMayAct('manager', ['manager']);    // true
 * ```
 */
export function roleMayAct(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
