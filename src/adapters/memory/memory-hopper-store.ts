import type { HopperStore, LeasedLead, LeaseRequest } from '../../runtime/ports/hopper-store.ts';
import type { MemoryLead, MemoryPhone, MemoryRuntimeData } from './memory-runtime-data.ts';

const byId = (a: MemoryLead, b: MemoryLead): number => Number(a.id) - Number(b.id);

/** The lead's priority class in the hopper (0 first), or `undefined` when it is not due. */
function priority(l: MemoryLead, nowMs: number, ready: ReadonlySet<string>): number | undefined {
  const due = l.nextAttemptAtMs === null || l.nextAttemptAtMs <= nowMs;
  if (!due) return undefined;
  if (l.status === 'callback') {
    if (l.callbackAgentId !== null && !ready.has(l.callbackAgentId)) return undefined;
    return l.nextAttemptAtMs === null ? 2 : 0;
  }
  if (l.status === 'scheduled') return l.nextAttemptAtMs === null ? 2 : 1;
  if (l.status === 'new') return 3;
  return undefined;
}

/** The number `lease` dials: not flagged, under the limit, fewest attempts first, then position. */
function dialable(l: MemoryLead, limit: number | undefined): MemoryPhone | undefined {
  let best: MemoryPhone | undefined;
  for (const p of l.phones) {
    if (p.dncFlagged || (limit !== undefined && p.attempts >= limit)) continue;
    if (best === undefined || p.attempts < best.attempts || (p.attempts === best.attempts && p.position < best.position)) best = p;
  }
  return best;
}

/**
 * The hopper in memory ({@link HopperStore}'s contract): the same priorities, number choice and
 * closing of leads with no callable number as the PostgreSQL adapter. One process, one event loop:
 * a lease runs to its end before another starts, so no lead is leased twice.
 */
export class MemoryHopperStore implements HopperStore {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  lease(input: LeaseRequest): Promise<LeasedLead[]> {
    if (input.count <= 0) return Promise.resolve([]);
    const ready = new Set(input.readyAgentIds ?? []);
    const due: { lead: MemoryLead; prio: number }[] = [];
    for (const lead of this.#data.leads.values()) {
      if (lead.campaignId !== input.campaignId) continue;
      const prio = priority(lead, input.nowMs, ready);
      if (prio !== undefined) due.push({ lead, prio });
    }
    due.sort((a, b) => a.prio - b.prio || (a.lead.nextAttemptAtMs ?? Number.NEGATIVE_INFINITY) - (b.lead.nextAttemptAtMs ?? Number.NEGATIVE_INFINITY) || byId(a.lead, b.lead));
    const out: LeasedLead[] = [];
    for (const { lead } of due.slice(0, input.count)) {
      const phone = dialable(lead, input.maxAttemptsPerNumber);
      if (phone === undefined) {
        const allDnc = lead.phones.every((p) => p.dncFlagged);
        lead.status = allDnc ? 'dnc' : 'exhausted';
        lead.nextAttemptAtMs = null;
        lead.dncFlagged ||= allDnc;
        continue;
      }
      lead.status = 'leased';
      lead.leaseOwner = input.nodeId;
      lead.leaseExpiresAtMs = input.nowMs + input.leaseMs;
      const own = phone.timezoneSource !== null;
      out.push({
        leadId: lead.id,
        phoneE164: phone.e164,
        phonePosition: phone.position,
        timezone: own ? phone.timezone : lead.timezone,
        timezoneSource: phone.timezoneSource ?? lead.timezoneSource,
        timezoneCandidates: own ? phone.timezoneCandidates : lead.timezoneCandidates,
        leadAttempts: lead.attempts,
        numberAttempts: phone.attempts,
        callbackAgentId: lead.callbackAgentId,
      });
    }
    out.sort((a, b) => Number(a.leadId) - Number(b.leadId));
    return Promise.resolve(out);
  }

  dueCount(campaignId: string, nowMs: number, maxAttemptsPerNumber?: number): Promise<number> {
    let n = 0;
    for (const l of this.#data.leads.values()) {
      if (l.campaignId !== campaignId || !(l.status === 'new' || l.status === 'scheduled' || l.status === 'callback')) continue;
      if (l.nextAttemptAtMs !== null && l.nextAttemptAtMs > nowMs) continue;
      if (dialable(l, maxAttemptsPerNumber) !== undefined) n++;
    }
    return Promise.resolve(n);
  }

  reclaimExpired(nowMs: number): Promise<number> {
    let n = 0;
    for (const l of this.#data.leads.values()) {
      if (l.status !== 'leased' || l.leaseExpiresAtMs === null || l.leaseExpiresAtMs >= nowMs) continue;
      l.status = 'scheduled';
      l.leaseOwner = null;
      l.leaseExpiresAtMs = null;
      n++;
    }
    return Promise.resolve(n);
  }
}
