import type { Redis } from 'ioredis';
import { PacerError } from '../../domain/pacer-error.ts';
import type { Lease, LeaseHolder } from '../../domain/ports/lease.ts';
import { closeRedisClient, createRedisClient, whenReady } from '../queue/create-redis-client.ts';
import { consoleQueueLogger } from '../queue/queue-logger.ts';
import type { QueueLogger } from '../queue/queue-logger.ts';
import { validateLeaseArgs } from './validate-lease-args.ts';

export interface RedisLeaseOptions {
  redisUrl: string;
  /** Key namespace: lease `n` is key `<prefix>:n`; default `pacer:lease`. */
  prefix?: string;
  logger?: QueueLogger;
  /** Calls fail with `QUEUE_UNAVAILABLE` when Redis is not connected within this; default 2000. */
  readyTimeoutMs?: number;
}

/** Extends the key's TTL only when the caller's token is the stored one. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the key only when the caller's token is the stored one. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * The cross-node `Lease` on Redis: `SET key ownerId NX PX ttlMs` takes a free lease (Redis expires it);
 * renew and release run as Lua scripts that act only when the stored token is the caller's, so a node
 * whose lease expired and was taken over can never extend or drop the new owner's lease.
 *
 * @example
 * ```ts
 * const lease = new RedisLease({ redisUrl, prefix: 'pacer:lease', logger });
 * if (await lease.acquire('campaign:42', nodeId, 15_000)) runCampaign();
 * ```
 */
export class RedisLease implements Lease {
  readonly #prefix: string;
  readonly #redis: Redis;
  readonly #readyTimeoutMs: number;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: RedisLeaseOptions) {
    this.#prefix = options.prefix ?? 'pacer:lease';
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 2000;
    this.#redis = createRedisClient(options.redisUrl, 'pacer-lease', options.logger ?? consoleQueueLogger);
  }

  async acquire(name: string, ownerId: string, ttlMs: number): Promise<boolean> {
    validateLeaseArgs({ name, ownerId, ttlMs });
    return this.#call('acquire', name, async (key) => {
      const taken = await this.#redis.set(key, ownerId, 'PX', ttlMs, 'NX');
      if (taken === 'OK') return true;
      // Held: re-entrant when the holder is the caller.
      return (await this.#redis.eval(RENEW_SCRIPT, 1, key, ownerId, String(ttlMs))) === 1;
    });
  }

  async renew(name: string, ownerId: string, ttlMs: number): Promise<boolean> {
    validateLeaseArgs({ name, ownerId, ttlMs });
    return this.#call('renew', name, async (key) => (await this.#redis.eval(RENEW_SCRIPT, 1, key, ownerId, String(ttlMs))) === 1);
  }

  async release(name: string, ownerId: string): Promise<boolean> {
    validateLeaseArgs({ name, ownerId });
    return this.#call('release', name, async (key) => (await this.#redis.eval(RELEASE_SCRIPT, 1, key, ownerId)) === 1);
  }

  async inspect(name: string): Promise<LeaseHolder | undefined> {
    validateLeaseArgs({ name });
    return this.#call('inspect', name, async (key) => {
      const results = await this.#redis.multi().get(key).pttl(key).exec();
      const [getResult, ttlResult] = results ?? [];
      if (getResult?.[0]) throw getResult[0];
      if (ttlResult?.[0]) throw ttlResult[0];
      const ownerId = getResult?.[1];
      const expiresInMs = ttlResult?.[1];
      if (typeof ownerId !== 'string' || typeof expiresInMs !== 'number' || expiresInMs < 0) return undefined;
      return { ownerId, expiresInMs };
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    try {
      await closeRedisClient(this.#redis);
    } catch (err) {
      throw new PacerError('QUEUE_UNAVAILABLE', 'lease store did not close cleanly', { cause: err });
    }
  }

  async #call<T>(operation: string, name: string, run: (key: string) => Promise<T>): Promise<T> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot ${operation} lease ${name}: the lease store is closed`);
    await whenReady(this.#redis, this.#readyTimeoutMs, `could not ${operation} lease ${name}`);
    try {
      return await run(`${this.#prefix}:${name}`);
    } catch (err) {
      throw new PacerError('QUEUE_UNAVAILABLE', `could not ${operation} lease ${name}`, { cause: err });
    }
  }
}
