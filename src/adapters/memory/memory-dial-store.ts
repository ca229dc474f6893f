import type { DialBatch, DialStore, NotDialed } from '../../runtime/ports/dial-store.ts';
import { newMemoryAttempt } from './memory-attempt-store.ts';
import type { MemoryLead, MemoryRuntimeData } from './memory-runtime-data.ts';

/** Open records older than this no longer count as a live call (as in PostgreSQL). */
const DEFAULT_LIVE_CALL_MAX_AGE_MS = 4 * 3_600_000;

/**
 * The dial batch in memory ({@link DialStore}'s contract): the plan sees the numbers in a live call
 * on any campaign; everything the batch writes is checked first and then applied at once, so a
 * batch whose plan throws, or that names a lead that does not exist, writes nothing.
 */
export class MemoryDialStore implements DialStore {
  readonly #data: MemoryRuntimeData;
  readonly #liveCallMaxAgeMs: number;

  constructor(data: MemoryRuntimeData, options: { liveCallMaxAgeMs?: number } = {}) {
    this.#data = data;
    this.#liveCallMaxAgeMs = options.liveCallMaxAgeMs ?? DEFAULT_LIVE_CALL_MAX_AGE_MS;
  }

  commitBatch(input: { campaignId: string; nodeId: string; numbers: readonly string[] }, plan: (liveNumbers: ReadonlySet<string>) => DialBatch): Promise<DialBatch> {
    const d = this.#data;
    const wanted = new Set(input.numbers);
    const oldest = d.clock.nowMs() - this.#liveCallMaxAgeMs;
    const live = new Set<string>();
    for (const a of d.attempts.values()) if (a.endedAtMs === null && a.createdAtMs > oldest && wanted.has(a.phone)) live.add(a.phone);
    let b: DialBatch;
    try {
      b = plan(live);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // Check everything before changing anything: all or nothing.
    try {
      for (const r of b.released) d.lead(r.leadId);
      for (const a of b.attempts) {
        d.lead(a.leadId);
        if (d.attempts.has(a.id)) throw new RangeError(`call record ${a.id} exists already`);
      }
      for (const f of b.dncFlags) d.lead(f.leadId);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    d.appendDecisions(input.campaignId, b.trail);
    for (const r of b.released) {
      const l = d.lead(r.leadId);
      if (l.leaseOwner !== input.nodeId) continue;
      l.status = r.status;
      l.nextAttemptAtMs = r.nextAttemptAtMs;
      clearLease(l);
    }
    const createdAtMs = d.clock.nowMs();
    for (const a of b.attempts) {
      d.attempts.set(a.id, newMemoryAttempt(a, createdAtMs));
      const l = d.lead(a.leadId);
      l.attempts++;
      l.status = 'in_call';
      clearLease(l);
      const p = d.phoneOf(l, a.phone);
      if (p !== undefined) p.attempts++;
    }
    for (const f of b.dncFlags) {
      const p = d.phoneOf(d.lead(f.leadId), f.e164);
      if (p !== undefined) p.dncFlagged = true;
    }
    return Promise.resolve(b);
  }

  recordNotDialed(campaignId: string, items: readonly NotDialed[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const d = this.#data;
    d.appendDecisions(campaignId, items.map((i) => i.decision));
    for (const i of items) {
      const a = d.attempts.get(i.attemptId);
      if (a !== undefined && a.endedAtMs === null) {
        a.endedAtMs = i.endedAtMs;
        a.outcome = 'not_dialed';
        a.notDialedReason = i.reason;
      }
      const l = d.leads.get(i.leadId);
      if (l === undefined) continue;
      if (l.status === 'in_call') {
        l.attempts = Math.max(l.attempts - 1, 0);
        l.status = 'scheduled';
        l.nextAttemptAtMs = i.nextAttemptAtMs;
        clearLease(l);
      }
      const p = d.phoneOf(l, i.e164);
      if (p !== undefined) {
        p.attempts = Math.max(p.attempts - 1, 0);
        p.dncFlagged ||= i.reason === 'dnc';
      }
    }
    return Promise.resolve();
  }
}

function clearLease(l: MemoryLead): void {
  l.leaseOwner = null;
  l.leaseExpiresAtMs = null;
}
