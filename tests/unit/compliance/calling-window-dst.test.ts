import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextWindowOpeningMs } from '../../../src/domain/compliance/calling-window.ts';

const hours = { start: '08:00', end: '21:00' };
const at = (iso: string): number => Date.parse(iso);
const local = (zone: string, ms: number | undefined): string | undefined => (ms === undefined ? undefined : DateTime.fromMillis(ms, { zone }).toISO() ?? undefined);

describe('nextWindowOpeningMs on days the clocks change', () => {
  it('opens at 08:00 EDT on the US spring-forward day (not 09:00)', () => {
    // 2026-03-08 01:00 EST, before the 02:00 -> 03:00 jump.
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-03-08T06:00:00Z'), hours))).toBe('2026-03-08T08:00:00.000-04:00');
  });

  it('opens at 08:00 EST on the US fall-back day (not 07:00), and does not skip the day', () => {
    // 2026-11-01 06:30 EST, after the 02:00 -> 01:00 fall-back.
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-11-01T11:30:00Z'), hours))).toBe('2026-11-01T08:00:00.000-05:00');
    // 07:30 EST: midnight + 8 h (07:00 EST) has passed, but the window has not opened yet today.
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-11-01T12:30:00Z'), hours))).toBe('2026-11-01T08:00:00.000-05:00');
  });

  it('opens at 08:00 on a day whose midnight does not exist (Chile, Brazil)', () => {
    // Santiago 2026-09-06: 00:00 -> 01:00. At 05:00 UTC it is 01:00 -03.
    expect(local('America/Santiago', nextWindowOpeningMs('America/Santiago', at('2026-09-06T05:00:00Z'), hours))).toBe('2026-09-06T08:00:00.000-03:00');
    // Sao Paulo 2018-11-04 (its last DST start): 00:00 -> 01:00. Blocked the evening before: opens the next morning at 08:00.
    expect(local('America/Sao_Paulo', nextWindowOpeningMs('America/Sao_Paulo', at('2018-11-04T00:30:00Z'), hours))).toBe('2018-11-04T08:00:00.000-02:00');
  });

  it('opens tomorrow at 08:00 local when today is over, across a change overnight', () => {
    // 2026-03-07 22:00 EST: the next opening is on the spring-forward day, at 08:00 EDT.
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-03-08T03:00:00Z'), hours))).toBe('2026-03-08T08:00:00.000-04:00');
    // 2026-10-31 22:00 EDT: the next opening is on the fall-back day, at 08:00 EST.
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-11-01T02:00:00Z'), hours))).toBe('2026-11-01T08:00:00.000-05:00');
  });

  it('keeps campaign hours with minutes', () => {
    expect(local('America/New_York', nextWindowOpeningMs('America/New_York', at('2026-11-01T11:30:00Z'), { start: '09:45', end: '17:00' }))).toBe('2026-11-01T09:45:00.000-05:00');
  });
});
