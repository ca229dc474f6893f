import { describe, expect, it } from 'vitest';
import { ManualTimers } from '../../../src/adapters/queue/manual-timers.ts';

describe('ManualTimers', () => {
  it('fires due timers in due order (ties in creation order) with the clock at their due time', () => {
    const timers = new ManualTimers();
    const fired: string[] = [];
    timers.set(() => fired.push(`b@${timers.clock.nowMs()}`), 20);
    timers.set(() => fired.push(`a@${timers.clock.nowMs()}`), 10);
    timers.set(() => fired.push(`c@${timers.clock.nowMs()}`), 20);
    timers.set(() => fired.push('late'), 31);
    timers.advanceMs(30);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(timers.clock.nowMs()).toBe(30);
    expect(timers.pendingCount).toBe(1);
  });

  it('fires timers scheduled by a callback when they fall within the same advance', () => {
    const timers = new ManualTimers();
    const fired: number[] = [];
    timers.set(() => {
      fired.push(timers.clock.nowMs());
      timers.set(() => fired.push(timers.clock.nowMs()), 5);
    }, 10);
    timers.advanceMs(14);
    expect(fired).toEqual([10]);
    timers.advanceMs(1);
    expect(fired).toEqual([10, 15]);
  });

  it('never fires a cleared timer and refuses to go back in time', () => {
    const timers = new ManualTimers();
    let fired = false;
    const handle = timers.set(() => {
      fired = true;
    }, 1);
    timers.clear(handle);
    timers.advanceMs(10);
    expect(fired).toBe(false);
    expect(() => timers.advanceMs(-1)).toThrow(RangeError);
  });
});
