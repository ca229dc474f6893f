import { describe, expect, it } from 'vitest';
import { evaluateDial, type DialCandidate, type DialRules } from '../../../src/domain/compliance/dial-gate.ts';
import { isInsideCallingHours, parseHhMm } from '../../../src/domain/compliance/calling-window.ts';

const rules: DialRules = {
  callingHours: { start: '09:00', end: '20:00' },
  unknownZonePolicy: 'deny',
  defaultTimeZone: null,
  maxAttemptsPerLead: 3,
  maxAttemptsPerNumber: 2,
};
const ny: DialCandidate = { phoneE164: '+12125550100', timezone: 'America/New_York', timezoneSource: 'zip', timezoneCandidates: null, leadAttempts: 0, numberAttempts: 0 };
// 2026-07-01 15:00 UTC = 11:00 in New York (EDT), 08:00 in Los Angeles (PDT).
const summerMs = Date.UTC(2026, 6, 1, 15, 0);
const base = { nowMs: summerMs, rules, dncHits: [], numberInLiveCall: false };

describe('evaluateDial', () => {
  it('allows a number inside the callee-local hours and reports the local time', () => {
    const v = evaluateDial(ny, base);
    expect(v.allowed).toBe(true);
    expect(v.localTimes[0]).toMatch(/^2026-07-01T11:00:00\.000-04:00$/);
  });

  it('blocks DNC hits before anything else', () => {
    const v = evaluateDial(ny, { ...base, dncHits: ['list-1'] });
    expect(v).toMatchObject({ allowed: false, reason: 'dnc' });
  });

  it('blocks a number already in a live call', () => {
    expect(evaluateDial(ny, { ...base, numberInLiveCall: true })).toMatchObject({ allowed: false, reason: 'number_in_live_call' });
  });

  it('enforces attempt limits per lead and per number', () => {
    expect(evaluateDial({ ...ny, leadAttempts: 3 }, base)).toMatchObject({ allowed: false, reason: 'attempt_limit_lead' });
    expect(evaluateDial({ ...ny, numberAttempts: 2 }, base)).toMatchObject({ allowed: false, reason: 'attempt_limit_number' });
  });

  it('evaluates the hours in the lead zone, not the server zone', () => {
    const la: DialCandidate = { ...ny, timezone: 'America/Los_Angeles' };
    expect(evaluateDial(la, base)).toMatchObject({ allowed: false, reason: 'outside_calling_hours' });
  });

  it('denies unknown and ambiguous zones by default', () => {
    expect(evaluateDial({ ...ny, timezone: null, timezoneSource: 'unknown' }, base)).toMatchObject({ allowed: false, reason: 'unknown_time_zone' });
    const amb: DialCandidate = { ...ny, timezone: null, timezoneSource: 'ambiguous', timezoneCandidates: ['America/New_York', 'America/Chicago'] };
    expect(evaluateDial(amb, base)).toMatchObject({ allowed: false, reason: 'unknown_time_zone' });
  });

  it('strictest policy calls an ambiguous lead only when every candidate zone is inside', () => {
    const strict = { ...base, rules: { ...rules, unknownZonePolicy: 'strictest' as const } };
    const eastCentral: DialCandidate = { ...ny, timezone: null, timezoneSource: 'ambiguous', timezoneCandidates: ['America/New_York', 'America/Chicago'] };
    expect(evaluateDial(eastCentral, strict).allowed).toBe(true);
    const eastPacific: DialCandidate = { ...eastCentral, timezoneCandidates: ['America/New_York', 'America/Los_Angeles'] };
    expect(evaluateDial(eastPacific, strict)).toMatchObject({ allowed: false, reason: 'outside_calling_hours' });
  });

  it('campaign_zone policy uses the campaign default zone', () => {
    const r = { ...base, rules: { ...rules, unknownZonePolicy: 'campaign_zone' as const, defaultTimeZone: 'America/Los_Angeles' } };
    expect(evaluateDial({ ...ny, timezone: null, timezoneSource: 'unknown' }, r)).toMatchObject({ allowed: false, reason: 'outside_calling_hours', zones: ['America/Los_Angeles'] });
  });
});

describe('calling window', () => {
  it('never exceeds the legal 08:00-21:00 even when campaign hours are wider', () => {
    const wide = { start: '07:00', end: '22:00' };
    // 12:30 UTC in January = 07:30 in New York (EST).
    expect(isInsideCallingHours('America/New_York', Date.UTC(2026, 0, 15, 12, 30), wide)).toBe(false);
    // 01:30 UTC next day = 20:30 New York: inside the legal window.
    expect(isInsideCallingHours('America/New_York', Date.UTC(2026, 0, 16, 1, 30), wide)).toBe(true);
    expect(isInsideCallingHours('America/New_York', Date.UTC(2026, 0, 16, 2, 0), wide)).toBe(false);
  });

  it('follows DST transitions', () => {
    // 2026-03-08 is the US spring-forward day: 13:00 UTC is 09:00 EDT (inside), the day before 08:00 EST.
    const hours = { start: '09:00', end: '20:00' };
    expect(isInsideCallingHours('America/New_York', Date.UTC(2026, 2, 8, 13, 0), hours)).toBe(true);
    expect(isInsideCallingHours('America/New_York', Date.UTC(2026, 2, 7, 13, 0), hours)).toBe(false);
  });

  it('parses HH:MM strictly', () => {
    expect(parseHhMm('09:30')).toBe(570);
    expect(parseHhMm('9:30')).toBeUndefined();
    expect(parseHhMm('24:00')).toBeUndefined();
  });
});

describe('nextWindowOpeningMs', () => {
  it('finds today or tomorrow 09:00 in the callee zone', async () => {
    const { nextWindowOpeningMs } = await import('../../../src/domain/compliance/calling-window.ts');
    const hours = { start: '09:00', end: '20:00' };
    // 2026-07-01 13:00 UTC = 06:00 in Los Angeles: opens at 16:00 UTC the same day.
    expect(nextWindowOpeningMs('America/Los_Angeles', Date.UTC(2026, 6, 1, 13, 0), hours)).toBe(Date.UTC(2026, 6, 1, 16, 0));
    // 22:00 in Tokyo (13:00 UTC): opens at 09:00 Tokyo the next day = 00:00 UTC on 2 July.
    expect(nextWindowOpeningMs('Asia/Tokyo', Date.UTC(2026, 6, 1, 13, 0), hours)).toBe(Date.UTC(2026, 6, 2, 0, 0));
    expect(nextWindowOpeningMs('UTC', 0, { start: '22:00', end: '23:00' })).toBeUndefined();
  });
});
