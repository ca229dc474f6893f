import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { PacerError } from '../../domain/pacer-error.ts';
import type { QueueLogger } from './queue-logger.ts';

/**
 * Checks a Redis URL (`redis://` or `rediss://`); throws `CONFIG_INVALID` naming `redisUrl`.
 *
 * @example
 * ```ts
 * assertRedisUrl('redis://127.0.0.1:6379');
 * ```
 */
export function assertRedisUrl(redisUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(redisUrl);
  } catch (err) {
    throw new PacerError('CONFIG_INVALID', 'redisUrl is not a valid URL', {
      cause: err,
      issues: [{ field: 'redisUrl', reason: 'must be a redis:// or rediss:// URL' }],
    });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new PacerError('CONFIG_INVALID', `redisUrl has protocol ${url.protocol}`, {
      issues: [{ field: 'redisUrl', reason: 'must be a redis:// or rediss:// URL' }],
    });
  }
}

/**
 * An ioredis client whose connection errors are logged (an unhandled `error` event would crash the
 * process). `role` names the connection in logs and in `CLIENT LIST`.
 *
 * @example
 * ```ts
 * const redis = createRedisClient('redis://127.0.0.1:6379', 'pacer-lease', logger);
 * ```
 */
export function createRedisClient(redisUrl: string, role: string, logger: QueueLogger, options: RedisOptions = {}): Redis {
  assertRedisUrl(redisUrl);
  const redis = new Redis(redisUrl, { connectionName: role, maxRetriesPerRequest: 3, ...options });
  redis.on('error', throttledErrorLog(logger, 'redis connection error', { role }));
  return redis;
}

/**
 * An error listener for reconnect loops, which repeat the same error many times a second: logs the
 * first one, then at most one every `everyMs` with the number suppressed in between.
 *
 * @example
 * ```ts
 * worker.on('error', throttledErrorLog(logger, 'job queue worker error', { queue }));
 * ```
 */
export function throttledErrorLog(logger: QueueLogger, msg: string, context: Record<string, unknown>, everyMs = 10_000): (err: unknown) => void {
  let lastLoggedMs = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (err) => {
    const nowMs = Date.now();
    if (nowMs - lastLoggedMs < everyMs) {
      suppressed++;
      return;
    }
    logger.error({ ...context, err, suppressedSinceLast: suppressed }, msg);
    lastLoggedMs = nowMs;
    suppressed = 0;
  };
}

/**
 * Resolves once `redis` is connected and ready, or throws `QUEUE_UNAVAILABLE` after `timeoutMs`.
 * Called before a write so that a write to a Redis that is down fails fast instead of waiting in
 * the offline queue and happening later behind the caller's back.
 */
export async function whenReady(redis: Redis, timeoutMs: number, what: string): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end') throw new PacerError('QUEUE_UNAVAILABLE', `${what}: the redis connection is closed`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([readySignal(redis), timeout]);
    if (outcome === 'timeout') throw new PacerError('QUEUE_UNAVAILABLE', `${what}: redis is not reachable (not ready within ${timeoutMs} ms)`);
  } finally {
    clearTimeout(timer);
  }
}

/** One shared `ready` listener per client, however many callers wait. */
const readySignals = new WeakMap<Redis, Promise<'ready'>>();

function readySignal(redis: Redis): Promise<'ready'> {
  let signal = readySignals.get(redis);
  if (signal === undefined) {
    signal = new Promise<'ready'>((resolve) => {
      redis.once('ready', () => {
        readySignals.delete(redis);
        resolve('ready');
      });
    });
    readySignals.set(redis, signal);
  }
  return signal;
}

/** Reads `maxmemory_policy` from `INFO memory`; `undefined` when the server does not say. */
export async function readEvictionPolicy(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('memory');
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  return match?.[1];
}

/**
 * Queued jobs must never be evicted: warns unless Redis runs with `maxmemory-policy noeviction`.
 * Failing to ask is logged as well.
 */
export async function warnUnlessNoEviction(redis: Redis, logger: QueueLogger): Promise<void> {
  try {
    const policy = await readEvictionPolicy(redis);
    if (policy !== 'noeviction') {
      logger.warn({ maxmemoryPolicy: policy ?? 'unknown' }, 'redis maxmemory-policy is not noeviction: queued jobs may be evicted under memory pressure');
    }
  } catch (err) {
    logger.warn({ err }, 'could not read the redis maxmemory-policy');
  }
}

/**
 * `PING` with a deadline, for readiness checks: `true` on `PONG`; a failure or a timeout is logged at
 * warn level and returns `false` (an unreachable Redis is an expected outcome for /readyz).
 */
export async function pingRedis(redis: Redis, timeoutMs: number, logger: QueueLogger): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const answer = await Promise.race([redis.ping(), timeout]);
    if (answer === 'PONG') return true;
    logger.warn({ answer, timeoutMs }, 'redis ping failed');
    return false;
  } catch (err) {
    logger.warn({ err }, 'redis ping failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a client: `QUIT` (flushing pending replies) when connected, an immediate disconnect
 * otherwise (a `QUIT` queued on a dead connection would only fail after the retries).
 */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
