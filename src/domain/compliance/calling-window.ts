import { DateTime, IANAZone } from 'luxon';

/** Federal (TCPA) calling hours: 08:00 to 21:00 in the callee's local time. */
export const LEGAL_CALLING_HOURS = { start: '08:00', end: '21:00' } as const;

export interface CallingHours {
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive. */
  end: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight for `HH:MM`, or undefined when malformed. */
export function parseHhMm(text: string): number | undefined {
  const m = HHMM.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** True when `zone` is an IANA zone name luxon knows. */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export interface LocalTime {
  zone: string;
  /** ISO-8601 local time with offset, e.g. `2026-11-23T14:05:00.000-05:00`. */
  iso: string;
  minuteOfDay: number;
}

export function localTimeIn(zone: string, nowMs: number): LocalTime {
  const dt = DateTime.fromMillis(nowMs, { zone });
  return { zone, iso: dt.toISO() ?? new Date(nowMs).toISOString(), minuteOfDay: dt.hour * 60 + dt.minute };
}

/**
 * Whether `nowMs` falls inside both the campaign's hours and the legal 08:00-21:00 in `zone`.
 * Campaign hours that do not parse never allow a call.
 */
export function isInsideCallingHours(zone: string, nowMs: number, hours: CallingHours): boolean {
  const local = localTimeIn(zone, nowMs);
  const start = Math.max(parseHhMm(hours.start) ?? Infinity, parseHhMm(LEGAL_CALLING_HOURS.start) ?? Infinity);
  const end = Math.min(parseHhMm(hours.end) ?? -Infinity, parseHhMm(LEGAL_CALLING_HOURS.end) ?? -Infinity);
  return local.minuteOfDay >= start && local.minuteOfDay < end;
}

/**
 * The next moment, after `nowMs`, at which the calling window (campaign hours inside 08:00-21:00)
 * opens in `zone`: where a lead blocked for the hour should be tried again. Undefined when the hours
 * leave no window at all.
 *
 * The opening is the wall-clock time `start` on the local date (luxon `set({ hour, minute })`), not
 * midnight plus `start` minutes: on a day whose clocks change before the opening (US spring-forward
 * and fall-back days, Chile's and formerly Brazil's midnight changes) the latter is an hour off. A
 * wall-clock time that does not exist that day (inside a spring-forward gap) opens at the first
 * instant after the gap, as luxon resolves it; one that occurs twice (fall-back) opens at its first
 * occurrence, the earlier instant.
 *
 * @example
 * ```ts
 * // 2026-11-01 (US fall-back day), 06:30 EST in New York: opens at 08:00 EST the same day.
 * nextWindowOpeningMs('America/New_York', Date.parse('2026-11-01T11:30:00Z'), { start: '08:00', end: '21:00' });
 * // Date.parse('2026-11-01T13:00:00Z')
 * ```
 */
export function nextWindowOpeningMs(zone: string, nowMs: number, hours: CallingHours): number | undefined {
  const start = Math.max(parseHhMm(hours.start) ?? Infinity, parseHhMm(LEGAL_CALLING_HOURS.start) ?? Infinity);
  const end = Math.min(parseHhMm(hours.end) ?? -Infinity, parseHhMm(LEGAL_CALLING_HOURS.end) ?? -Infinity);
  if (!(start < end)) return undefined;
  const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
  for (let days = 0; days <= 1; days++) {
    const opening = openingOn(today.plus({ days }), start);
    if (opening > nowMs) return opening;
  }
  // Unreachable: tomorrow's opening is always after now.
  return openingOn(today.plus({ days: 2 }), start);
}

/** The instant of `minuteOfDay` wall-clock time on `localDay`'s date (earliest when it occurs twice). */
function openingOn(localDay: DateTime, minuteOfDay: number): number {
  const opening = localDay.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0, millisecond: 0 });
  // A wall-clock time repeated by a fall-back shift: the same local time one offset earlier.
  const earlier = opening.minus({ hours: 1 });
  if (earlier.hour === opening.hour && earlier.minute === opening.minute && earlier.day === opening.day) return earlier.toMillis();
  return opening.toMillis();
}
