import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/event-queue.ts';
import { Prng } from '../../../src/sim/prng.ts';

describe('EventQueue', () => {
  it('pops by time, and in insertion order for equal times, across growth', () => {
    const q = new EventQueue(4);
    const rng = new Prng(5);
    const pushed: Array<{ t: number; ref: number }> = [];
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rng.next() * 200);
      q.push(t, i % 250, i, i * 2);
      pushed.push({ t, ref: i });
    }
    const expected = [...pushed].sort((a, b) => a.t - b.t || a.ref - b.ref);
    const got: Array<{ t: number; ref: number }> = [];
    while (q.pop()) {
      expect(q.topKind).toBe(q.topRef % 250);
      expect(q.topGen).toBe(q.topRef * 2);
      got.push({ t: q.topTime, ref: q.topRef });
    }
    expect(got).toEqual(expected);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
  });
});
