import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/ports/clock.ts';

describe('ManualClock', () => {
  it('moves only forward when told to', () => {
    const clock = new ManualClock(1_000);
    clock.advanceMs(500);
    expect(clock.nowMs()).toBe(1_500);
    expect(() => clock.advanceMs(-1)).toThrow(RangeError);
    expect(() => clock.setMs(1_000)).toThrow(RangeError);
  });
});
