import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';

describe('VirtualScheduler', () => {
  it('runs timers in time then insertion order, skips cancelled ones, and lets async reactions run between them', async () => {
    const s = new VirtualScheduler(100);
    const seen: string[] = [];
    s.at(300, () => seen.push(`b@${s.nowMs()}`));
    s.at(200, () => {
      seen.push(`a@${s.nowMs()}`);
      void Promise.resolve().then(() => s.at(s.nowMs() + 50, () => seen.push(`a2@${s.nowMs()}`)));
    });
    s.at(300, () => seen.push(`c@${s.nowMs()}`));
    const cancel = s.at(250, () => seen.push('cancelled'));
    cancel();
    s.at(50, () => seen.push(`past@${s.nowMs()}`));
    await s.advanceTo(1_000);
    expect(seen).toEqual(['past@100', 'a@200', 'a2@250', 'b@300', 'c@300']);
    expect(s.nowMs()).toBe(1_000);
    expect(s.pending).toBe(0);
  });

  it('keeps future timers pending', async () => {
    const s = new VirtualScheduler(0);
    let ran = false;
    s.at(10_000, () => {
      ran = true;
    });
    await s.advanceBy(9_999);
    expect(ran).toBe(false);
    expect(s.pending).toBe(1);
    await s.advanceBy(1);
    expect(ran).toBe(true);
  });
});
