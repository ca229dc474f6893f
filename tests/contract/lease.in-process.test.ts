import { describe, expect, it } from 'vitest';
import { InProcessLease } from '../../src/adapters/lease/in-process-lease.ts';
import { ManualClock } from '../../src/domain/ports/clock.ts';
import { describeLeaseContract } from './lease.contract.ts';

describeLeaseContract('in-process (virtual clock)', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const lease = new InProcessLease({ clock });
  return {
    lease,
    shortTtlMs: 1_000,
    virtualTime: true,
    async advanceMs(ms) {
      clock.advanceMs(ms);
    },
    dispose: () => lease.close(),
  };
});

describe('InProcessLease on virtual time', () => {
  it('expires exactly at its TTL, counted from the last renew', async () => {
    const clock = new ManualClock();
    const lease = new InProcessLease({ clock });
    expect(await lease.acquire('c', 'a', 1_000)).toBe(true);
    clock.advanceMs(999);
    expect(await lease.acquire('c', 'b', 1_000)).toBe(false);
    expect(await lease.inspect('c')).toEqual({ ownerId: 'a', expiresInMs: 1 });
    expect(await lease.renew('c', 'a', 1_000)).toBe(true);
    clock.advanceMs(999);
    expect(await lease.acquire('c', 'b', 1_000)).toBe(false);
    clock.advanceMs(1);
    expect(await lease.renew('c', 'a', 1_000)).toBe(false);
    expect(await lease.acquire('c', 'b', 1_000)).toBe(true);
    expect(await lease.inspect('c')).toEqual({ ownerId: 'b', expiresInMs: 1_000 });
  });
});
