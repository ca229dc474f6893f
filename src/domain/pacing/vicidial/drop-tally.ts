import type { VicidialDropStats } from './adaptive-dial-level.ts';
import { perlRound } from './perl-numbers.ts';

export const DAY_MS = 86_400_000;
const ONE_MINUTE_MS = 60_000;

/** One ended call as `vicidial_log` would hold it. */
export interface LoggedCall {
  /** `call_date`: when the call was placed. */
  originatedAtMs: number;
  /** Human answered (Vicidial's `human_answered='Y'` statuses, which include DROP). */
  humanAnswered: boolean;
  /** Status DROP / XDROP. */
  dropped: boolean;
}

/**
 * The call counts `sub calculate_drops` reads from `vicidial_log`: calls, human answers and drops
 * "today" and in the last minute. Vicidial's today starts at the server's midnight; here a day is
 * 24 h of pacing-clock time counted from `dayZeroMs` (the policy's first call), and the today counts
 * reset at each such boundary. A call belongs to the day it was placed in (`call_date`).
 *
 * @example
 * ```ts
 * const tally = new DropTally(0);
 * tally.record({ originatedAtMs: 1_000, humanAnswered: true, dropped: true });
 * tally.stats(5_000); // { callsToday: 1, dropsAnswersTodayPct: 100, callsOne: 1, dropsOnePct: 100 }
 * ```
 */
export class DropTally {
  readonly #dayZeroMs: number;
  #dayStartMs: number;
  #callsToday = 0;
  #answersToday = 0;
  #dropsToday = 0;
  /** Calls placed in the last minute or so, oldest first (pruned on read). */
  #recent: LoggedCall[] = [];

  constructor(dayZeroMs: number) {
    this.#dayZeroMs = dayZeroMs;
    this.#dayStartMs = dayZeroMs;
  }

  get dayStartMs(): number {
    return this.#dayStartMs;
  }

  /** Moves to the day that contains `nowMs`, clearing the today counts when the day changed. */
  rollTo(nowMs: number): void {
    if (nowMs < this.#dayStartMs + DAY_MS) return;
    const days = Math.floor((nowMs - this.#dayZeroMs) / DAY_MS);
    this.#dayStartMs = this.#dayZeroMs + days * DAY_MS;
    this.#callsToday = 0;
    this.#answersToday = 0;
    this.#dropsToday = 0;
  }

  record(call: LoggedCall): void {
    if (call.originatedAtMs >= this.#dayStartMs && call.originatedAtMs < this.#dayStartMs + DAY_MS) {
      this.#callsToday += 1;
      if (call.humanAnswered) this.#answersToday += 1;
      if (call.dropped) this.#dropsToday += 1;
    }
    // keep sorted by call_date; observations mostly arrive in order, so insert from the end
    let at = this.#recent.length;
    while (at > 0 && (this.#recent[at - 1]?.originatedAtMs ?? 0) > call.originatedAtMs) at -= 1;
    this.#recent.splice(at, 0, call);
    // nothing older than a minute before the newest call can be in a later one-minute window
    const newestMs = this.#recent[this.#recent.length - 1]?.originatedAtMs ?? call.originatedAtMs;
    let stale = 0;
    while (stale < this.#recent.length && (this.#recent[stale]?.originatedAtMs ?? 0) <= newestMs - ONE_MINUTE_MS) stale += 1;
    if (stale > 0) this.#recent.splice(0, stale);
  }

  /** Raw today counts (`$VCScalls_today`, `$VCSanswers_today`, `$VCSdrops_today`). */
  today(): { calls: number; answers: number; drops: number } {
    return { calls: this.#callsToday, answers: this.#answersToday, drops: this.#dropsToday };
  }

  /** What `calculate_drops` computes at `nowMs` (after {@link rollTo}). */
  stats(nowMs: number): VicidialDropStats {
    const sinceMs = nowMs - ONE_MINUTE_MS;
    let drop = 0;
    while (drop < this.#recent.length && (this.#recent[drop]?.originatedAtMs ?? 0) <= sinceMs) drop += 1;
    if (drop > 0) this.#recent.splice(0, drop);

    let callsOne = 0;
    let dropsOne = 0;
    for (const call of this.#recent) {
      if (call.originatedAtMs > nowMs) continue;
      callsOne += 1;
      if (call.dropped) dropsOne += 1;
    }
    const dropsOnePct = dropsOne > 0 ? perlRound((dropsOne / callsOne) * 100, 2) : 0;

    let dropsAnswersTodayPct = 0;
    if (this.#dropsToday > 0) {
      const answers = this.#answersToday < 1 ? 1 : this.#answersToday;
      dropsAnswersTodayPct = perlRound((this.#dropsToday / answers) * 100, 2);
    }
    return { callsToday: this.#callsToday, dropsAnswersTodayPct, callsOne, dropsOnePct };
  }
}
