import type { AbandonLedgerEvent } from '../domain/compliance/abandon-ledger.ts';
import type { AbandonHistoryBucket, CampaignLedgerSettings } from '../domain/compliance/campaign-ledger.ts';
import type { Scenario } from './scenario.ts';

const MINUTE_MS = 60_000;

/**
 * The campaign settings the simulator builds its ledger from, as the runtime does from a stored
 * campaign: the scenario's cap and window, and its `campaign` block (the configured AMD
 * false-positive estimate, by default the scenario's true rate; the planning target).
 *
 * @example
 * ```ts
 * const ledger = createCampaignLedger(scenarioLedgerSettings(scenario));
 * ```
 */
export function scenarioLedgerSettings(s: Scenario): CampaignLedgerSettings {
  return {
    abandonWindow: s.abandonWindow,
    maxAbandonRate: s.maxAbandonRate,
    abandonTarget: s.campaign?.abandonTarget ?? null,
    amdFalsePositiveRate: s.campaign?.amdFalsePositiveRate ?? s.amd.falsePositive,
    amd: { enabled: s.amd.enabled },
  };
}

/**
 * The simulated campaign's call history as the database holds it for the ledger: the ledger
 * events per minute (what `DialGateRepository.abandonHistory` returns), so a simulated restart
 * rebuilds the ledger through the runtime's own restore function.
 */
export class LedgerHistory {
  readonly #startMs: number;
  #live = new Float64Array(1440);
  #abandoned = new Float64Array(1440);
  #humans = new Float64Array(1440);

  constructor(startMs: number) {
    this.#startMs = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
  }

  record(event: AbandonLedgerEvent, atMs: number): void {
    const i = Math.floor((atMs - this.#startMs) / MINUTE_MS);
    if (i < 0) return;
    this.#grow(i);
    if (event === 'live_answer' || event === 'amd_hangup_live') this.#live[i] = (this.#live[i] ?? 0) + 1;
    if (event === 'abandon' || event === 'amd_hangup_live') this.#abandoned[i] = (this.#abandoned[i] ?? 0) + 1;
    if (event === 'amd_passed_human') this.#humans[i] = (this.#humans[i] ?? 0) + 1;
  }

  /**
   * The history from `sinceMs` to `untilMs` in buckets of `bucketMs` (a multiple of a minute),
   * each stamped with its start, like the database's `date_trunc` query.
   */
  since(sinceMs: number, untilMs: number, bucketMs: number): AbandonHistoryBucket[] {
    const out: AbandonHistoryBucket[] = [];
    const first = Math.max(0, Math.ceil((sinceMs - this.#startMs) / MINUTE_MS));
    const last = Math.min(this.#live.length - 1, Math.floor((untilMs - this.#startMs) / MINUTE_MS));
    let current: AbandonHistoryBucket | undefined;
    for (let i = first; i <= last; i++) {
      const live = this.#live[i] ?? 0;
      const abandoned = this.#abandoned[i] ?? 0;
      const humans = this.#humans[i] ?? 0;
      if (live === 0 && abandoned === 0 && humans === 0) continue;
      const atMs = Math.floor((this.#startMs + i * MINUTE_MS) / bucketMs) * bucketMs;
      if (current === undefined || current.atMs !== atMs) {
        current = { atMs, liveAnswers: 0, abandoned: 0, amdPassedHumans: 0 };
        out.push(current);
      }
      current.liveAnswers += live;
      current.abandoned += abandoned;
      current.amdPassedHumans += humans;
    }
    return out;
  }

  #grow(i: number): void {
    if (i < this.#live.length) return;
    const size = Math.max(i + 1, this.#live.length * 2);
    const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.#live = grow(this.#live);
    this.#abandoned = grow(this.#abandoned);
    this.#humans = grow(this.#humans);
  }
}
