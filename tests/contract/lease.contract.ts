import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacerError, isPacerError } from '../../src/domain/pacer-error.ts';
import type { Lease } from '../../src/domain/ports/lease.ts';
import { waitFor } from './wait-for.ts';

export interface LeaseHarness {
  lease: Lease;
  /** A TTL short enough to wait out in a test (virtual time: any value). */
  shortTtlMs: number;
  /** Lets `ms` pass: virtual time advances at once; on real time this does nothing and the test polls. */
  advanceMs(ms: number): Promise<void>;
  /** Time is virtual: the test may assert the exact moment of expiry. */
  virtualTime: boolean;
  dispose(): Promise<void>;
}

export type LeaseHarnessFactory = () => Promise<LeaseHarness>;

function expectPacerError(err: unknown, code: string, fields: string[] = []): void {
  expect(err).toBeInstanceOf(PacerError);
  if (!isPacerError(err)) return;
  expect(err.code).toBe(code);
  for (const field of fields) expect(err.issues.map((i) => i.field)).toContain(field);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The behaviour every `Lease` adapter must show. Each test runs on its own random lease name. */
export function describeLeaseContract(name: string, createHarness: LeaseHarnessFactory): void {
  describe(`Lease contract: ${name}`, () => {
    let h: LeaseHarness;
    let lease: string;
    const a = 'node-a';
    const b = 'node-b';
    const longTtlMs = 60_000;

    beforeEach(async () => {
      h = await createHarness();
      lease = `campaign:${randomUUID()}`;
    });

    afterEach(async () => {
      await h.dispose();
    });

    /** Waits until the lease is free (expired); bounded. */
    async function waitUntilFree(): Promise<void> {
      await h.advanceMs(h.shortTtlMs);
      await waitFor(async () => (await h.lease.inspect(lease)) === undefined, 'the lease to expire', 5_000);
    }

    it('gives the lease to one owner at a time; the holder may acquire again', async () => {
      expect(await h.lease.acquire(lease, a, longTtlMs)).toBe(true);
      expect(await h.lease.acquire(lease, b, longTtlMs)).toBe(false);
      expect(await h.lease.acquire(lease, a, longTtlMs)).toBe(true);
      const holder = await h.lease.inspect(lease);
      expect(holder?.ownerId).toBe(a);
      expect(holder?.expiresInMs).toBeGreaterThan(0);
      expect(holder?.expiresInMs).toBeLessThanOrEqual(longTtlMs);
    });

    it('lets exactly one of many concurrent contenders win', async () => {
      const owners = Array.from({ length: 20 }, (_, i) => `node-${i}`);
      const results = await Promise.all(owners.map((owner) => h.lease.acquire(lease, owner, longTtlMs)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = owners[results.indexOf(true)];
      expect((await h.lease.inspect(lease))?.ownerId).toBe(winner);
    });

    it('renews for the owner only, extending the expiry', async () => {
      const shortMs = 1_000;
      expect(await h.lease.acquire(lease, a, shortMs)).toBe(true);
      expect(await h.lease.renew(lease, b, longTtlMs)).toBe(false);
      expect((await h.lease.inspect(lease))?.expiresInMs).toBeLessThanOrEqual(shortMs);
      expect(await h.lease.renew(lease, a, longTtlMs)).toBe(true);
      const holder = await h.lease.inspect(lease);
      expect(holder?.ownerId).toBe(a);
      expect(holder?.expiresInMs).toBeGreaterThan(shortMs);
    });

    it('cannot renew a lease nobody holds', async () => {
      expect(await h.lease.renew(lease, a, longTtlMs)).toBe(false);
      expect(await h.lease.inspect(lease)).toBeUndefined();
    });

    it('expires after its TTL and lets another owner in; the old owner can no longer renew or release', async () => {
      expect(await h.lease.acquire(lease, a, h.shortTtlMs)).toBe(true);
      expect(await h.lease.acquire(lease, b, longTtlMs)).toBe(false);
      await waitUntilFree();
      expect(await h.lease.acquire(lease, b, longTtlMs)).toBe(true);
      expect(await h.lease.renew(lease, a, longTtlMs)).toBe(false);
      expect(await h.lease.release(lease, a)).toBe(false);
      expect((await h.lease.inspect(lease))?.ownerId).toBe(b);
    });

    it('releases for the owner only', async () => {
      expect(await h.lease.acquire(lease, a, longTtlMs)).toBe(true);
      expect(await h.lease.release(lease, b)).toBe(false);
      expect((await h.lease.inspect(lease))?.ownerId).toBe(a);
      expect(await h.lease.release(lease, a)).toBe(true);
      expect(await h.lease.inspect(lease)).toBeUndefined();
      expect(await h.lease.release(lease, a)).toBe(false);
      expect(await h.lease.acquire(lease, b, longTtlMs)).toBe(true);
    });

    it('keeps different names independent', async () => {
      expect(await h.lease.acquire(lease, a, longTtlMs)).toBe(true);
      expect(await h.lease.acquire(`${lease}-2`, b, longTtlMs)).toBe(true);
      expect(await h.lease.release(lease, a)).toBe(true);
      expect((await h.lease.inspect(`${lease}-2`))?.ownerId).toBe(b);
    });

    it('rejects bad arguments with VALIDATION_FAILED naming every bad field', async () => {
      expectPacerError(await rejectionOf(h.lease.acquire('', a, 1000)), 'VALIDATION_FAILED', ['name']);
      expectPacerError(await rejectionOf(h.lease.acquire(lease, '', 0)), 'VALIDATION_FAILED', ['ownerId', 'ttlMs']);
      expectPacerError(await rejectionOf(h.lease.renew(lease, a, 1.5)), 'VALIDATION_FAILED', ['ttlMs']);
      expectPacerError(await rejectionOf(h.lease.release(lease, '')), 'VALIDATION_FAILED', ['ownerId']);
      expectPacerError(await rejectionOf(h.lease.inspect('')), 'VALIDATION_FAILED', ['name']);
      expect(await h.lease.inspect(lease)).toBeUndefined();
    });

    it('close is idempotent and then every call rejects with QUEUE_CLOSED', async () => {
      await Promise.all([h.lease.close(), h.lease.close()]);
      await h.lease.close();
      expectPacerError(await rejectionOf(h.lease.acquire(lease, a, 1000)), 'QUEUE_CLOSED');
      expectPacerError(await rejectionOf(h.lease.renew(lease, a, 1000)), 'QUEUE_CLOSED');
      expectPacerError(await rejectionOf(h.lease.release(lease, a)), 'QUEUE_CLOSED');
      expectPacerError(await rejectionOf(h.lease.inspect(lease)), 'QUEUE_CLOSED');
    });
  });
}
