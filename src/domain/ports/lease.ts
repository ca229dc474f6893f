/**
 * A named, expiring, renewable ownership lease: at most one owner holds `name` at a time, e.g. the one
 * node running a campaign's dialer loop. The holder must `renew` well before `ttlMs` runs out (say every
 * `ttlMs / 3`) and must stop acting as owner as soon as a renew returns `false`. Implemented on Redis
 * (SET NX PX with the owner id as token, Lua checks on renew/release) and in-process over the `Clock`
 * port; one conformance suite (tests/contract/lease.contract.ts) runs against both.
 *
 * `ownerId` is the token: make it unique per process (e.g. `${hostname}:${pid}:${randomUUID()}`).
 * Bad arguments (empty name or owner, `ttlMs` not a positive integer) reject with `VALIDATION_FAILED`
 * naming the field; an unreachable backend rejects with `QUEUE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * if (await lease.acquire(`campaign:${id}`, nodeId, 15_000)) {
 *   const timer = setInterval(async () => {
 *     if (!(await lease.renew(`campaign:${id}`, nodeId, 15_000))) stopDialing(id);
 *   }, 5_000);
 *   // ... on stop: clearInterval(timer); await lease.release(`campaign:${id}`, nodeId);
 * }
 * ```
 */
export interface Lease {
  /**
   * Takes `name` for `ownerId` for `ttlMs` when it is free or expired; `true` on success. Acquiring a
   * lease the same owner already holds succeeds and resets its TTL.
   */
  acquire(name: string, ownerId: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease to `ttlMs` from now; `false` (and nothing changes) unless `ownerId` holds it. */
  renew(name: string, ownerId: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease; `false` (and nothing changes) unless `ownerId` holds it. */
  release(name: string, ownerId: string): Promise<boolean>;
  /** Who holds `name` and for how much longer; `undefined` when free. */
  inspect(name: string): Promise<LeaseHolder | undefined>;
  /** Idempotent. Leases held are NOT released: they expire (the next owner waits at most `ttlMs`). */
  close(): Promise<void>;
}

export interface LeaseHolder {
  ownerId: string;
  expiresInMs: number;
}
