/**
 * Disposition codes the dialer acts on. Any other code is the campaign's own and stored as given.
 *
 * A do-not-call disposition (the callee asked not to be called again) puts the dialed number on the
 * internal DNC list in the same transaction as the disposition, so no campaign dials it again: the
 * company-specific do-not-call request of the US TSR (16 CFR 310.4(b)(1)(iii)(A)), Ofcom's and
 * Brazil's "não me ligue" expectations.
 *
 * @example
 * ```ts
 * isDoNotCallDisposition('dnc'); // true
 * isDoNotCallDisposition('SALE'); // false
 * ```
 */
export const DO_NOT_CALL_DISPOSITIONS: readonly string[] = Object.freeze(['DNC', 'DO_NOT_CALL']);

export function isDoNotCallDisposition(code: string): boolean {
  return DO_NOT_CALL_DISPOSITIONS.includes(code.trim().toUpperCase());
}
