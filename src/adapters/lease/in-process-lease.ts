import { PacerError } from '../../domain/pacer-error.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { Lease, LeaseHolder } from '../../domain/ports/lease.ts';
import { validateLeaseArgs } from './validate-lease-args.ts';

export interface InProcessLeaseOptions {
  /** Expiry runs on this clock (virtual time in tests and simulations); default the system clock. */
  clock?: Clock;
}

interface Held {
  ownerId: string;
  expiresAtMs: number;
}

/**
 * The single-node `Lease`: a map of name -> (owner, expiry) read against the `Clock` port, so leases
 * expire on virtual time. Only meaningful within one process.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const lease = new InProcessLease({ clock });
 * await lease.acquire('campaign:42', 'node-a', 1_000); // true
 * clock.advanceMs(1_000);
 * await lease.acquire('campaign:42', 'node-b', 1_000); // true: node-a's lease expired
 * ```
 */
export class InProcessLease implements Lease {
  readonly #clock: Clock;
  readonly #held = new Map<string, Held>();
  #closed = false;

  constructor(options: InProcessLeaseOptions = {}) {
    this.#clock = options.clock ?? { nowMs: () => Date.now() };
  }

  async acquire(name: string, ownerId: string, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    validateLeaseArgs({ name, ownerId, ttlMs });
    const current = this.#current(name);
    if (current !== undefined && current.ownerId !== ownerId) return false;
    this.#held.set(name, { ownerId, expiresAtMs: this.#clock.nowMs() + ttlMs });
    return true;
  }

  async renew(name: string, ownerId: string, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    validateLeaseArgs({ name, ownerId, ttlMs });
    const current = this.#current(name);
    if (current?.ownerId !== ownerId) return false;
    current.expiresAtMs = this.#clock.nowMs() + ttlMs;
    return true;
  }

  async release(name: string, ownerId: string): Promise<boolean> {
    this.#assertOpen();
    validateLeaseArgs({ name, ownerId });
    if (this.#current(name)?.ownerId !== ownerId) return false;
    this.#held.delete(name);
    return true;
  }

  async inspect(name: string): Promise<LeaseHolder | undefined> {
    this.#assertOpen();
    validateLeaseArgs({ name });
    const current = this.#current(name);
    if (current === undefined) return undefined;
    return { ownerId: current.ownerId, expiresInMs: current.expiresAtMs - this.#clock.nowMs() };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** The live holder of `name`; forgets an expired one. */
  #current(name: string): Held | undefined {
    const held = this.#held.get(name);
    if (held !== undefined && this.#clock.nowMs() >= held.expiresAtMs) {
      this.#held.delete(name);
      return undefined;
    }
    return held;
  }

  #assertOpen(): void {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', 'the lease store is closed');
  }
}
