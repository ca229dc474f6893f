import type { FaultRow } from './invariants.ts';

/** One line of the fault table: pass when `ok`, else FAIL, with what was measured. */
export const row = (fault: string, callsInFlight: number | string, invariant: string, ok: boolean, detail?: string): FaultRow =>
  ({ fault, callsInFlight, invariant, result: ok ? 'pass' : 'FAIL', ...(detail === undefined ? {} : { detail }) });
