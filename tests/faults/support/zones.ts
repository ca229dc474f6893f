import { DateTime } from 'luxon';

/**
 * Zones with a numbering range whose prefix resolves to that one zone (libphonenumber's prefix data,
 * Pacer's own table for Brazil), spread around the clock so that at any hour some are in the
 * day and some in the night. `number(range, i)` gives distinct valid numbers for i < 10,000; `range`
 * (0-9) keeps the numbers of different faults apart.
 */
export interface ZoneNumbering {
  zone: string;
  number: (range: number, i: number) => string;
}

const d5 = (i: number): string => String(i % 100_000).padStart(5, '0');
/** Exchange (3-9)(range)(0-9) and line: never N11 or 555 while i < 10,000. */
const nanp = (r: number, i: number): string => `${3 + (r % 7)}${r}${d5(i % 10_000)}`;

export const ZONE_NUMBERING: readonly ZoneNumbering[] = [
  { zone: 'Pacific/Honolulu', number: (r, i) => `+1808${nanp(r, i)}` },
  { zone: 'America/Los_Angeles', number: (r, i) => `+1213${nanp(r, i)}` },
  { zone: 'America/Denver', number: (r, i) => `+1303${nanp(r, i)}` },
  { zone: 'America/Chicago', number: (r, i) => `+1312${nanp(r, i)}` },
  { zone: 'America/New_York', number: (r, i) => `+1212${nanp(r, i)}` },
  { zone: 'America/Puerto_Rico', number: (r, i) => `+1787${nanp(r, i)}` },
  { zone: 'America/Sao_Paulo', number: (r, i) => `+55119${7 + (r % 3)}${r}${d5(i)}0` },
  { zone: 'Europe/London', number: (r, i) => `+44207${r}${d5(i)}0` },
  { zone: 'Europe/Paris', number: (r, i) => `+3314${r}${d5(i)}0` },
  { zone: 'Asia/Dubai', number: (r, i) => `+9714${3 + (r % 6)}${r}${d5(i)}` },
  { zone: 'Asia/Singapore', number: (r, i) => `+656${r}${d5(i)}0` },
  { zone: 'Asia/Tokyo', number: (r, i) => `+8135${r}${d5(i)}0` },
  { zone: 'Australia/Sydney', number: (r, i) => `+6129${r}${d5(i)}0` },
  { zone: 'Pacific/Auckland', number: (r, i) => `+649${3 + (r % 6)}${r}${d5(i)}` },
];

/** The local time of `zone` at `atMs`, in minutes after midnight. */
export function localMinutes(zone: string, atMs: number): number {
  const t = DateTime.fromMillis(atMs, { zone });
  return t.hour * 60 + t.minute;
}

/** Inside [startMin, endMin) of local time, for the whole of [fromMs, toMs]. */
function within(zone: string, fromMs: number, toMs: number, startMin: number, endMin: number): boolean {
  for (let t = fromMs; t <= toMs; t += 60_000) {
    const m = localMinutes(zone, t);
    const inside = startMin <= endMin ? m >= startMin && m < endMin : m >= startMin || m < endMin;
    if (!inside) return false;
  }
  return true;
}

/**
 * The zones where it is day (09:00-20:00, an hour inside the 08:00-21:00 calling hours) and night
 * (22:00-07:00, an hour outside) for the next `forMs` of real time, computed now, so a test using
 * them works at any hour.
 */
export function dayAndNightZones(nowMs: number, forMs: number): { day: ZoneNumbering[]; night: ZoneNumbering[] } {
  const to = nowMs + forMs;
  return {
    day: ZONE_NUMBERING.filter((z) => within(z.zone, nowMs, to, 9 * 60, 20 * 60)),
    night: ZONE_NUMBERING.filter((z) => within(z.zone, nowMs, to, 22 * 60, 7 * 60)),
  };
}

/** Is `atMs` inside the 08:00-21:00 calling hours of `zone`? */
export function insideCallingHours(zone: string, atMs: number, hours = { start: 8 * 60, end: 21 * 60 }): boolean {
  const m = localMinutes(zone, atMs);
  return m >= hours.start && m < hours.end;
}
