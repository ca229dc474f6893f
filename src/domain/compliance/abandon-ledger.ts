import { LEAVING_HORIZON_MS, type AbandonBudgetSnapshot } from '../pacing/pacing-policy.ts';

/** The legal window over which the abandon rate is measured: 30 days (FTC/TSR), 24 hours (UK Ofcom). */
export type AbandonWindow = '30d' | '24h';

export interface AbandonLedgerOptions {
  window: AbandonWindow;
  maxAbandonRate: number;
  /**
   * The campaign's configured AMD false-positive rate (share of live people an AMD classifies as
   * machines). Used to estimate the AMD hang-ups on live people nobody saw.
   */
  amdFalsePositiveRate?: number;
  /** Add the estimated AMD false positives to both counts; default: on in 24 h (UK) mode. */
  countEstimatedAmdFalsePositives?: boolean;
  /** Bucket width; default 1 hour for 30 days, 1 minute for 24 hours. */
  bucketMs?: number;
}

/** What happened on a call, as far as the abandon rate is concerned. */
export type AbandonLedgerEvent =
  /** A call passed to agents as a live person (connected or not). */
  | 'live_answer'
  /** A live answer that got no agent within the legal time (also record its `live_answer`). */
  | 'abandon'
  /** A live person hung up on by the AMD, when known (counts as a live answer AND an abandon). */
  | 'amd_hangup_live'
  /** A call the AMD classified human (the base of the false-positive estimate). */
  | 'amd_passed_human';

const DAY_MS = 86_400_000;

/**
 * Per-campaign abandon budget over the legal window, bucketed so memory is O(window / bucket) and
 * each record or snapshot is O(1) amortized. Pure: time only from the arguments.
 *
 * Live answers = calls passed to agents as humans + known AMD hang-ups on live people; abandons =
 * live answers with no agent in time + known AMD hang-ups on live people. When the estimate is on
 * (UK mode), est. FP = humans passed by the AMD x fp / (1 - fp) is added to both.
 *
 * @example
 * ```ts
 * const ledger = new AbandonLedger({ window: '30d', maxAbandonRate: 0.03 });
 * ledger.record('live_answer', nowMs);
 * ledger.record('abandon', nowMs);
 * const budget = ledger.snapshot(nowMs); // { maxAbandonRate: 0.03, liveAnswers: 1, abandoned: 1 }
 * ```
 */
export class AbandonLedger {
  readonly window: AbandonWindow;
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly maxAbandonRate: number;
  /** The AMD false-positive rate whose estimate is added to both counts (0 when none is). */
  readonly estimatedAmdFalsePositiveRate: number;
  readonly #fpFactor: number;
  readonly #slots: number;
  /** Per slot: bucket index held (-1 = empty), live answers, abandons, AMD humans passed. */
  readonly #bucketIndex: Float64Array;
  readonly #live: Float64Array;
  readonly #abandoned: Float64Array;
  readonly #amdHumans: Float64Array;
  #sumLive = 0;
  #sumAbandoned = 0;
  #sumAmdHumans = 0;
  /** Buckets below this index have been evicted from the sums. */
  #oldestKept = -Infinity;

  constructor(options: AbandonLedgerOptions) {
    if (options.window !== '30d' && options.window !== '24h') throw new RangeError(`window must be '30d' or '24h', got ${String(options.window)}`);
    if (!(options.maxAbandonRate >= 0 && options.maxAbandonRate <= 1)) throw new RangeError(`maxAbandonRate must be in [0, 1], got ${options.maxAbandonRate}`);
    const fp = options.amdFalsePositiveRate ?? 0;
    if (!(fp >= 0 && fp < 1)) throw new RangeError(`amdFalsePositiveRate must be in [0, 1), got ${fp}`);
    this.window = options.window;
    this.windowMs = options.window === '30d' ? 30 * DAY_MS : DAY_MS;
    this.bucketMs = options.bucketMs ?? (options.window === '30d' ? 3_600_000 : 60_000);
    if (!(this.bucketMs > 0) || this.windowMs % this.bucketMs !== 0) throw new RangeError(`bucketMs must divide the window, got ${this.bucketMs}`);
    this.maxAbandonRate = options.maxAbandonRate;
    const countEstimate = options.countEstimatedAmdFalsePositives ?? options.window === '24h';
    this.#fpFactor = countEstimate ? fp / (1 - fp) : 0;
    this.estimatedAmdFalsePositiveRate = countEstimate ? fp : 0;
    this.#slots = this.windowMs / this.bucketMs;
    this.#bucketIndex = new Float64Array(this.#slots).fill(-1);
    this.#live = new Float64Array(this.#slots);
    this.#abandoned = new Float64Array(this.#slots);
    this.#amdHumans = new Float64Array(this.#slots);
  }

  /** Records one event at `atMs`; events older than the window (relative to the newest seen) are ignored. */
  record(event: AbandonLedgerEvent, atMs: number, count = 1): void {
    const b = Math.floor(atMs / this.bucketMs);
    this.#advance(b);
    if (b < this.#oldestKept) return;
    const slot = b % this.#slots;
    if (this.#bucketIndex[slot] !== b) this.#clearSlot(slot, b);
    switch (event) {
      case 'live_answer':
        this.#live[slot] = (this.#live[slot] ?? 0) + count;
        this.#sumLive += count;
        break;
      case 'abandon':
        this.#abandoned[slot] = (this.#abandoned[slot] ?? 0) + count;
        this.#sumAbandoned += count;
        break;
      case 'amd_hangup_live':
        this.#live[slot] = (this.#live[slot] ?? 0) + count;
        this.#abandoned[slot] = (this.#abandoned[slot] ?? 0) + count;
        this.#sumLive += count;
        this.#sumAbandoned += count;
        break;
      case 'amd_passed_human':
        this.#amdHumans[slot] = (this.#amdHumans[slot] ?? 0) + count;
        this.#sumAmdHumans += count;
        break;
    }
  }

  /** The budget over the window ending at `nowMs` (the buckets overlapping (now - window, now]). */
  snapshot(nowMs: number): AbandonBudgetSnapshot {
    this.#advance(Math.floor(nowMs / this.bucketMs));
    const estFp = this.#sumAmdHumans * this.#fpFactor;
    return {
      maxAbandonRate: this.maxAbandonRate,
      liveAnswers: this.#sumLive + estFp,
      abandoned: this.#sumAbandoned + estFp,
      estimatedAmdFalsePositiveRate: this.estimatedAmdFalsePositiveRate,
      leaving: this.#leaving(nowMs),
    };
  }

  /** The raw counts over the window ending at `nowMs`, before any estimate (restoration checks, reports). */
  totals(nowMs: number): { liveAnswers: number; abandoned: number; amdPassedHumans: number } {
    this.#advance(Math.floor(nowMs / this.bucketMs));
    return { liveAnswers: this.#sumLive, abandoned: this.#sumAbandoned, amdPassedHumans: this.#sumAmdHumans };
  }

  /** What leaves the window over the next {@link LEAVING_HORIZON_MS} (estimate included). */
  #leaving(nowMs: number): { liveAnswers: number; abandoned: number } {
    const last = Math.floor((nowMs + LEAVING_HORIZON_MS) / this.bucketMs) - this.#slots;
    let live = 0;
    let abandoned = 0;
    let humans = 0;
    for (let b = Math.max(this.#oldestKept, last - this.#slots + 1); b <= last; b++) {
      const slot = b % this.#slots;
      if (this.#bucketIndex[slot] !== b) continue;
      live += this.#live[slot] ?? 0;
      abandoned += this.#abandoned[slot] ?? 0;
      humans += this.#amdHumans[slot] ?? 0;
    }
    const estFp = humans * this.#fpFactor;
    return { liveAnswers: live + estFp, abandoned: abandoned + estFp };
  }

  /** abandoned / liveAnswers over the window (0 with no live answers). */
  rate(nowMs: number): number {
    const s = this.snapshot(nowMs);
    return s.liveAnswers > 0 ? s.abandoned / s.liveAnswers : 0;
  }

  /** Evicts buckets that left the window once bucket `b` is current. */
  #advance(b: number): void {
    const oldest = b - this.#slots + 1;
    if (oldest <= this.#oldestKept) return;
    if (Number.isFinite(this.#oldestKept) && oldest - this.#oldestKept < this.#slots) {
      for (let i = this.#oldestKept; i < oldest; i++) {
        const slot = i % this.#slots;
        if (this.#bucketIndex[slot] === i) this.#clearSlot(slot, -1);
      }
    } else {
      for (let slot = 0; slot < this.#slots; slot++) {
        const held = this.#bucketIndex[slot] ?? -1;
        if (held >= 0 && held < oldest) this.#clearSlot(slot, -1);
      }
    }
    this.#oldestKept = oldest;
  }

  #clearSlot(slot: number, newIndex: number): void {
    this.#sumLive -= this.#live[slot] ?? 0;
    this.#sumAbandoned -= this.#abandoned[slot] ?? 0;
    this.#sumAmdHumans -= this.#amdHumans[slot] ?? 0;
    this.#live[slot] = 0;
    this.#abandoned[slot] = 0;
    this.#amdHumans[slot] = 0;
    this.#bucketIndex[slot] = newIndex;
  }
}
