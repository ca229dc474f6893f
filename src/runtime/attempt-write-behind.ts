import type { CallRecordPatch } from '../domain/call/call-session.ts';
import { nextStep, type RetryableOutcome, type RetryRules } from '../domain/call/retry-schedule.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { AttemptStore } from './ports/attempt-store.ts';
import type { LeadStore } from './ports/lead-store.ts';

/** The retry class of an ended call, or `final` when the lead is done. */
export function retryClass(record: CallRecordPatch): RetryableOutcome | 'final' {
  switch (record.outcome) {
    case 'human':
      return record.abandoned ? 'noAnswer' : 'final';
    case 'machine':
      return 'machine';
    case 'no_answer':
    case 'cancelled':
      return 'noAnswer';
    case 'busy':
      return 'busy';
    default:
      return 'failed';
  }
}

export interface WriteBehindOptions {
  scheduler: Scheduler;
  attempts: Pick<AttemptStore, 'updateMany'>;
  leads: Pick<LeadStore, 'attemptCounts' | 'settleLeads'>;
  logger: Logger;
  retryRules: RetryRules;
  maxAttemptsPerLead: number;
  /** How long record changes are gathered before one batched write. */
  flushMs?: number;
}

/**
 * Write-behind for call records and lead bookkeeping: record changes of many calls are coalesced
 * (each patch is the session's whole record, so the latest wins) and written in one statement per
 * flush; leads of ended calls are settled (retry scheduled or closed) in one more. Keeps the
 * database load per call constant and small at hundreds of originations per second. A failed
 * flush keeps its changes and is retried at the next one: a record is never dropped.
 */
export class AttemptWriteBehind {
  readonly #o: Required<WriteBehindOptions>;
  #records = new Map<string, Readonly<CallRecordPatch>>();
  #ended: { leadId: string; record: CallRecordPatch }[] = [];
  #timer: (() => void) | undefined;
  #flushing: Promise<void> | undefined;

  constructor(options: WriteBehindOptions) {
    this.#o = { flushMs: 200, ...options };
  }

  /** The campaign's retry rules changed (a settings edit): used for the leads settled from now on. */
  applyRules(retryRules: RetryRules, maxAttemptsPerLead: number): void {
    this.#o.retryRules = retryRules;
    this.#o.maxAttemptsPerLead = maxAttemptsPerLead;
  }

  get pending(): number {
    return this.#records.size + this.#ended.length;
  }

  record(attemptId: string, patch: Readonly<CallRecordPatch>): void {
    this.#records.set(attemptId, { ...patch });
    this.#arm();
  }

  ended(attemptId: string, leadId: string, record: CallRecordPatch): void {
    this.#records.set(attemptId, { ...record });
    this.#ended.push({ leadId, record });
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const { scheduler } = this.#o;
    this.#timer = scheduler.at(scheduler.nowMs() + this.#o.flushMs, () => {
      this.#timer = undefined;
      void this.flush();
    });
  }

  /** Waits for a flush in progress, if any (does not start one). */
  async idle(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  /** Writes everything gathered so far; resolves when it is on disk (or has failed and is kept). */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    if (this.pending === 0) return;
    this.#flushing = this.#write().finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #write(): Promise<void> {
    const records = this.#records;
    const ended = this.#ended;
    this.#records = new Map();
    this.#ended = [];
    try {
      await this.#o.attempts.updateMany([...records].map(([id, patch]) => ({ id, patch })));
    } catch (err) {
      // Keep them (newer patches win) and try again at the next flush.
      for (const [id, patch] of records) if (!this.#records.has(id)) this.#records.set(id, patch);
      this.#ended = ended.concat(this.#ended);
      this.#o.logger.error({ err, records: records.size }, 'call records not written; will retry');
      this.#arm();
      return;
    }
    try {
      await this.#settle(ended);
    } catch (err) {
      this.#ended = ended.concat(this.#ended);
      this.#o.logger.error({ err, leads: ended.length }, 'leads not settled; will retry');
      this.#arm();
    }
  }

  async #settle(ended: readonly { leadId: string; record: CallRecordPatch }[]): Promise<void> {
    if (ended.length === 0) return;
    const nowMs = this.#o.scheduler.nowMs();
    const counts = await this.#o.leads.attemptCounts(ended.map((e) => e.leadId));
    await this.#o.leads.settleLeads(
      ended.map(({ leadId, record }) => {
        const lastOutcome = record.outcome ?? 'unknown';
        const cls = retryClass(record);
        if (cls === 'final') return { leadId, status: 'done' as const, nextAttemptAtMs: null, lastOutcome };
        const c = counts.get(leadId) ?? { lead: 0, noAnswer: 0, busy: 0, machine: 0, failed: 0 };
        const step = nextStep({ outcome: cls, attemptsWithOutcome: c[cls], leadAttempts: c.lead }, this.#o.retryRules, this.#o.maxAttemptsPerLead, nowMs);
        return step.action === 'retry'
          ? { leadId, status: 'scheduled' as const, nextAttemptAtMs: step.atMs, lastOutcome }
          : { leadId, status: 'exhausted' as const, nextAttemptAtMs: null, lastOutcome };
      }),
    );
  }
}
