import type { Lease } from '../domain/ports/lease.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';

type LeaseState = 'held' | 'unreachable' | 'elsewhere';

export interface CampaignLeaseKeeperOptions {
  lease: Lease;
  scheduler: Scheduler;
  nodeId: string;
  campaignId: string;
  ttlMs: number;
  logger: Logger;
  /**
   * Called when this node stops or starts holding the campaign: `false` as soon as a renewal fails
   * (the lease backend is unreachable, or another node holds the campaign), `true` when it holds it
   * again. The runner places calls only while it holds the lease.
   */
  onHeldChange: (held: boolean) => void;
  /** When the lease was acquired (before the acquire call was sent): the local deadline starts there. */
  acquiredAtMs?: number;
}

/**
 * Keeps a running campaign's lease (`campaign:<id>`) every `ttlMs / 3`. A renewal that fails or is
 * refused means this node may no longer be the campaign's only dialer, so it stops placing calls at
 * once (calls in progress go on); it keeps trying, and takes the lease again when it is renewable or
 * free (an outage of Redis shorter or longer than the TTL), unless another node holds it.
 *
 * @example
 * ```ts
 * const keeper = new CampaignLeaseKeeper({ lease, scheduler, nodeId, campaignId, ttlMs: 15_000, logger,
 *   onHeldChange: (held) => (held ? runner.resume() : runner.pause()) });
 * keeper.start(); // the lease was acquired before
 * keeper.stop();
 * ```
 */
export class CampaignLeaseKeeper {
  readonly #o: CampaignLeaseKeeperOptions;
  #state: LeaseState = 'held';
  #cancel: (() => void) | undefined;
  #stopped = false;
  /**
   * The local deadline: the lease is surely ours until `ttl` after the last successful renewal was
   * *sent* (a slow or hung answer cannot stretch it), less a safety margin for clock drift.
   */
  #validUntilMs: number;

  constructor(options: CampaignLeaseKeeperOptions) {
    this.#o = options;
    this.#validUntilMs = (options.acquiredAtMs ?? options.scheduler.nowMs()) + this.#safeTtlMs();
  }

  get held(): boolean {
    return this.#state === 'held';
  }

  /** Held, and by the local deadline: what a dial needs as proof (no proof, no dial). */
  heldNow(): boolean {
    return this.#state === 'held' && !this.#stopped && this.#o.scheduler.nowMs() < this.#validUntilMs;
  }

  #safeTtlMs(): number {
    return this.#o.ttlMs * 0.9;
  }

  start(): void {
    this.#schedule();
  }

  /** Stops renewing (the caller releases the lease). Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const { scheduler, ttlMs } = this.#o;
    this.#cancel = scheduler.at(scheduler.nowMs() + ttlMs / 3, () => {
      void this.#keep().finally(() => this.#schedule());
    });
  }

  async #keep(): Promise<void> {
    const { nodeId, campaignId, ttlMs, logger } = this.#o;
    const name = `campaign:${campaignId}`;
    let state: LeaseState;
    const sentAtMs = this.#o.scheduler.nowMs();
    try {
      // A lease that expired during an outage is free again: take it back unless another node has.
      // A renewal that hangs is given up after a third of the TTL (the next one is due then).
      state = (await withTimeout(this.#renewOrAcquire(name, nodeId, ttlMs), ttlMs / 3, this.#o.scheduler)) ? 'held' : 'elsewhere';
      if (state === 'held') this.#validUntilMs = sentAtMs + this.#safeTtlMs();
    } catch (err) {
      if (this.#state !== 'unreachable') logger.error({ err, campaignId }, 'campaign lease renewal failed: no new calls from this node until it succeeds');
      this.#set('unreachable');
      return;
    }
    if (state === 'elsewhere' && this.#state !== 'elsewhere') logger.error({ campaignId }, 'campaign lease held by another node: no new calls from this node');
    if (state === 'held' && this.#state !== 'held') logger.info({ campaignId }, 'campaign lease held again: placing calls');
    this.#set(state);
  }

  async #renewOrAcquire(name: string, nodeId: string, ttlMs: number): Promise<boolean> {
    const { lease } = this.#o;
    return (await lease.renew(name, nodeId, ttlMs)) || (await lease.acquire(name, nodeId, ttlMs));
  }

  #set(state: LeaseState): void {
    if (this.#stopped || state === this.#state) return;
    const wasHeld = this.#state === 'held';
    this.#state = state;
    if (wasHeld !== (state === 'held')) this.#o.onHeldChange(state === 'held');
  }
}

/** `work`, or a rejection after `timeoutMs` (on the scheduler's clock) if it has not settled by then. */
function withTimeout<T>(work: Promise<T>, timeoutMs: number, scheduler: Scheduler): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = scheduler.at(scheduler.nowMs() + timeoutMs, () => reject(new Error(`lease renewal timed out after ${timeoutMs} ms`)));
    work.then(
      (v) => {
        cancel();
        resolve(v);
      },
      (err: unknown) => {
        cancel();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
