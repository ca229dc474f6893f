import type { Scenario } from './scenario.ts';

/** Minutes after a start or an event that its window covers. */
export const RECOVERY_WINDOW_MINUTES = [1, 5, 15] as const;

/** Ground-truth abandons among the live answers of the first minutes after a start or an event. */
export interface RecoveryWindow {
  /** `start` (a shift's first dials), `resume` (end of an outage or a pause) or `mass_login`. */
  kind: 'start' | 'resume' | 'mass_login';
  day: number;
  /** Seconds from the start of the day's shift. */
  atSec: number;
  minutes: number;
  liveAnswers: number;
  abandoned: number;
  /** abandoned / liveAnswers (0 without live answers). */
  rate: number;
}

/**
 * The windows where pacing is most likely to over-dial: the first 1 / 5 / 15 minutes of every
 * shift, and the same after every resume (outage or pause ended) and mass login, from the
 * ground truth counted per 10 s (by answer time). A window starts at the event, rounded down to 10 s.
 *
 * @example
 * ```ts
 * const windows = recoveryWindows(scenario, days, metrics.liveBy10s, metrics.abandonedBy10s);
 * windows.filter((w) => w.rate > scenario.maxAbandonRate);
 * ```
 */
export function recoveryWindows(scenario: Scenario, days: number, liveBy10s: Float64Array, abandonedBy10s: Float64Array): RecoveryWindow[] {
  const out: RecoveryWindow[] = [];
  for (let day = 0; day < days; day++) {
    const marks: Array<{ kind: RecoveryWindow['kind']; atSec: number }> = [{ kind: 'start', atSec: 0 }];
    for (const e of scenario.events ?? []) {
      if (e.day !== undefined && e.day !== day) continue;
      if (e.type === 'mass_login') marks.push({ kind: 'mass_login', atSec: e.atSec });
      else if (e.type === 'restart') {
        // A restart inside the shift starts a new policy: its first minutes are a start's.
        if (e.atSec < scenario.shiftHours * 3600) marks.push({ kind: 'start', atSec: e.atSec });
      } else marks.push({ kind: 'resume', atSec: e.atSec + e.durationSec });
    }
    for (const m of marks) {
      const first = day * 8640 + Math.floor(m.atSec / 10);
      for (const minutes of RECOVERY_WINDOW_MINUTES) {
        let live = 0;
        let abandoned = 0;
        for (let i = first; i < first + minutes * 6; i++) {
          live += liveBy10s[i] ?? 0;
          abandoned += abandonedBy10s[i] ?? 0;
        }
        out.push({ kind: m.kind, day, atSec: m.atSec, minutes, liveAnswers: live, abandoned, rate: live > 0 ? abandoned / live : 0 });
      }
    }
  }
  return out;
}

/**
 * The legal window's ground-truth rate as it stood at every 10 s of the run (30-day windows: from
 * the run's start; 24 h: the last 24 h), once it holds at least `minLiveAnswers` live answers: its
 * highest value and when. This is the cap as a promise about every moment, the campaign's first
 * minutes included (when the window holds nothing but them).
 *
 * @example
 * ```ts
 * worstLegalWindow('30d', metrics.liveBy10s, metrics.abandonedBy10s, 30); // { rate: 0.021, atSec: 400, ... }
 * ```
 */
export function worstLegalWindow(
  window: '30d' | '24h',
  liveBy10s: Float64Array,
  abandonedBy10s: Float64Array,
  minLiveAnswers: number,
): { rate: number; atSec: number; liveAnswers: number; abandoned: number } {
  const span = window === '24h' ? 8640 : 30 * 8640;
  let live = 0;
  let abandoned = 0;
  let worst = { rate: 0, atSec: 0, liveAnswers: 0, abandoned: 0 };
  for (let i = 0; i < liveBy10s.length; i++) {
    live += liveBy10s[i] ?? 0;
    abandoned += abandonedBy10s[i] ?? 0;
    if (i >= span) {
      live -= liveBy10s[i - span] ?? 0;
      abandoned -= abandonedBy10s[i - span] ?? 0;
    }
    if (live >= minLiveAnswers && live > 0 && abandoned / live > worst.rate) worst = { rate: abandoned / live, atSec: (i + 1) * 10, liveAnswers: live, abandoned };
  }
  return worst;
}
