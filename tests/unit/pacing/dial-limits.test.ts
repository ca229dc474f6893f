import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_LIMITS, NO_DIAL_LIMITS, RecentRequests, rampLimit, resolveDialLimits } from '../../../src/domain/pacing/predictive/dial-limits.ts';

describe('predictive dial limits', () => {
  it('ramps during a warm-up: progressive plus a small step, never more lines than maxDialLevel per agent', () => {
    const l = DEFAULT_DIAL_LIMITS;
    // After an outage: 200 agents ready, nothing in flight. Progressive (200) plus 0.02 x 200.
    expect(rampLimit(l, { active: 200, ready: 200, inFlight: 0, progressive: 200, warmingUp: true })).toBe(204);
    // All agents busy at the end of the small sample: 1 line per ready agent x 3 (+1) binds.
    expect(rampLimit(l, { active: 200, ready: 0, inFlight: 100, progressive: 0, warmingUp: true })).toBe(1);
    // A tiny team still gets one call beyond progressive per evaluation.
    expect(rampLimit(l, { active: 3, ready: 1, inFlight: 0, progressive: 1, warmingUp: true })).toBe(2);
    // Outside a warm-up only the level cap binds.
    expect(rampLimit(l, { active: 20, ready: 0, inFlight: 190, progressive: 0, warmingUp: false })).toBe(10);
    expect(rampLimit(l, { active: 20, ready: 0, inFlight: 250, progressive: 0, warmingUp: false })).toBe(0);
    expect(rampLimit(NO_DIAL_LIMITS, { active: 200, ready: 200, inFlight: 0, progressive: 200, warmingUp: false })).toBe(20_000);
  });

  it('rejects limits out of range, naming the field', () => {
    expect(resolveDialLimits({ maxStepPerTick: 0.05 }).maxStepPerTick).toBe(0.05);
    expect(() => resolveDialLimits({ maxDialLevel: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', issues: [expect.objectContaining({ field: 'predictive.maxDialLevel' })] }));
    expect(() => resolveDialLimits({ warmupMs: Number.NaN })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('counts recent requests as in flight until they end or age out', () => {
    const r = new RecentRequests(2_000);
    r.requested(1_000, 5);
    expect(r.pending(1_500)).toBe(5);
    r.ended(1_000);
    expect(r.pending(2_000)).toBe(4);
    expect(r.pending(3_001)).toBe(0);
    const off = new RecentRequests(0);
    off.requested(0, 5);
    expect(off.pending(0)).toBe(0);
  });
});
