import type { AttemptCounts, InCallLead, LeadSettlement, LeadStore } from '../../runtime/ports/lead-store.ts';
import type { MemoryAttempt, MemoryRuntimeData } from './memory-runtime-data.ts';

/** The retry class a record counts in (`unknown` and `not_dialed` count in none). */
function countedClass(a: MemoryAttempt): keyof Omit<AttemptCounts, 'lead'> | undefined {
  switch (a.outcome) {
    case 'no_answer':
    case 'cancelled':
      return 'noAnswer';
    case 'human':
      return a.abandoned ? 'noAnswer' : undefined;
    case 'busy':
      return 'busy';
    case 'machine':
      return 'machine';
    case 'invalid':
    case 'unavailable':
    case 'congestion':
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

/** The lead bookkeeping in memory ({@link LeadStore}'s contract). */
export class MemoryLeadStore implements LeadStore {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  attemptCounts(leadIds: readonly string[]): Promise<Map<string, AttemptCounts>> {
    const out = new Map<string, AttemptCounts>();
    for (const id of new Set(leadIds)) {
      const l = this.#data.leads.get(id);
      if (l !== undefined) out.set(id, { lead: l.attempts, noAnswer: 0, busy: 0, machine: 0, failed: 0 });
    }
    for (const a of this.#data.attempts.values()) {
      const c = out.get(a.leadId);
      const cls = countedClass(a);
      if (c !== undefined && cls !== undefined) c[cls]++;
    }
    return Promise.resolve(out);
  }

  settleLeads(items: readonly LeadSettlement[]): Promise<void> {
    for (const i of items) {
      const l = this.#data.leads.get(i.leadId);
      if (l === undefined) continue;
      l.status = i.status;
      l.nextAttemptAtMs = i.nextAttemptAtMs;
      l.lastOutcome = i.lastOutcome;
      l.leaseOwner = null;
      l.leaseExpiresAtMs = null;
    }
    return Promise.resolve();
  }

  async settleLead(leadId: string, next: Omit<LeadSettlement, 'leadId'> & { callbackAgentId?: string | null }): Promise<void> {
    await this.settleLeads([{ leadId, ...next }]);
    const l = this.#data.leads.get(leadId);
    if (l !== undefined) l.callbackAgentId = next.callbackAgentId ?? null;
  }

  giveBackAttempts(attempts: readonly { leadId: string; e164: string }[]): Promise<void> {
    for (const a of attempts) {
      const l = this.#data.leads.get(a.leadId);
      if (l === undefined) continue;
      l.attempts = Math.max(l.attempts - 1, 0);
      const p = this.#data.phoneOf(l, a.e164);
      if (p !== undefined) p.attempts = Math.max(p.attempts - 1, 0);
    }
    return Promise.resolve();
  }

  inCallLeadsOf(attemptIds: readonly string[]): Promise<InCallLead[]> {
    const out: InCallLead[] = [];
    for (const id of attemptIds) {
      const a = this.#data.attempts.get(id);
      if (a === undefined || this.#data.leads.get(a.leadId)?.status !== 'in_call') continue;
      out.push({ attemptId: a.id, leadId: a.leadId, campaignId: a.campaignId, phone: a.phone, outcome: a.outcome, abandoned: a.abandoned });
    }
    return Promise.resolve(out);
  }
}
