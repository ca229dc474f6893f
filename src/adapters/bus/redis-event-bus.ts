import type { Redis } from 'ioredis';
import { PacerError } from '../../domain/pacer-error.ts';
import type { EventBus, EventHandler, EventHandlerFailure, EventMap, Unsubscribe } from '../../domain/ports/event-bus.ts';
import { closeRedisClient, createRedisClient, pingRedis, whenReady } from '../queue/create-redis-client.ts';
import { ListenerSet } from '../queue/listener-set.ts';
import { consoleQueueLogger } from '../queue/queue-logger.ts';
import type { QueueLogger } from '../queue/queue-logger.ts';
import { toJsonPayload } from '../queue/to-json-payload.ts';
import { SerialSubscription } from './serial-subscription.ts';
import { validateTopic } from './validate-topic.ts';

export interface RedisEventBusOptions {
  redisUrl: string;
  /** Channel namespace: topic `t` travels on channel `<prefix>:t`; default `pacer:bus`. */
  prefix?: string;
  logger?: QueueLogger;
  /** Fail `ping()` when Redis does not answer within this; default 2000. */
  pingTimeoutMs?: number;
  /** `publish` and `subscribe` fail with `QUEUE_UNAVAILABLE` when Redis is not connected within this; default 2000. */
  readyTimeoutMs?: number;
}

interface Channel {
  subs: Set<SerialSubscription>;
  /** Settles when Redis acknowledged the SUBSCRIBE. */
  ready: Promise<void>;
}

/**
 * The cross-node `EventBus` on Redis pub/sub: JSON messages, one publishing connection and one
 * subscriber connection per bus (a channel is SUBSCRIBEd once, however many local handlers it has).
 * ioredis re-subscribes after a reconnect; events published while disconnected are lost
 * (at-most-once, like every pub/sub).
 *
 * @example
 * ```ts
 * const bus = new RedisEventBus<{ stats: { calls: number } }>({ redisUrl, prefix: 'pacer:bus', logger });
 * const off = await bus.subscribe('stats', (s) => push(s));
 * await bus.publish('stats', { calls: 3 }); // reaches subscribers on every node
 * await bus.close();
 * ```
 */
export class RedisEventBus<Events extends EventMap = EventMap> implements EventBus<Events> {
  readonly #prefix: string;
  readonly #logger: QueueLogger;
  readonly #pingTimeoutMs: number;
  readonly #readyTimeoutMs: number;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channels = new Map<string, Channel>();
  readonly #failures: ListenerSet<EventHandlerFailure>;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: RedisEventBusOptions) {
    this.#prefix = options.prefix ?? 'pacer:bus';
    this.#logger = options.logger ?? consoleQueueLogger;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 2000;
    this.#pub = createRedisClient(options.redisUrl, 'pacer-bus-pub', this.#logger);
    this.#sub = createRedisClient(options.redisUrl, 'pacer-bus-sub', this.#logger);
    this.#sub.on('message', (channel: string, message: string) => {
      const subs = this.#channels.get(channel)?.subs;
      if (subs !== undefined) for (const sub of subs) sub.deliver(message);
    });
    this.#failures = new ListenerSet<EventHandlerFailure>(this.#logger, 'event handler failed', (f) => ({ topic: f.topic, err: f.error }));
  }

  async publish<K extends keyof Events & string>(topic: K, event: Events[K]): Promise<void> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot publish on ${topic}: the event bus is closed`);
    validateTopic(topic);
    const json = toJsonPayload(event, 'event');
    await whenReady(this.#pub, this.#readyTimeoutMs, `could not publish on ${topic}`);
    try {
      await this.#pub.publish(this.#channel(topic), json);
    } catch (err) {
      throw new PacerError('QUEUE_UNAVAILABLE', `could not publish on ${topic}`, { cause: err });
    }
  }

  async subscribe<K extends keyof Events & string>(topic: K, handler: EventHandler<Events[K]>): Promise<Unsubscribe> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot subscribe to ${topic}: the event bus is closed`);
    validateTopic(topic);
    await whenReady(this.#sub, this.#readyTimeoutMs, `could not subscribe to ${topic}`);
    const name = this.#channel(topic);
    const sub = new SerialSubscription(topic, handler as EventHandler<unknown>, (f) => this.#failures.emit(f));
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      const subs = new Set<SerialSubscription>();
      const ready = this.#sub.subscribe(name).then(() => undefined);
      channel = { subs, ready };
      this.#channels.set(name, channel);
    }
    channel.subs.add(sub);
    try {
      await channel.ready;
    } catch (err) {
      await this.#drop(name, sub);
      throw new PacerError('QUEUE_UNAVAILABLE', `could not subscribe to ${topic}`, { cause: err });
    }
    return () => this.#drop(name, sub);
  }

  onHandlerError(listener: (failure: EventHandlerFailure) => void): () => void {
    return this.#failures.add(listener);
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    return pingRedis(this.#pub, this.#pingTimeoutMs, this.#logger);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const channel of this.#channels.values()) for (const sub of channel.subs) sub.stop();
    this.#channels.clear();
    const results = await Promise.allSettled([closeRedisClient(this.#pub), closeRedisClient(this.#sub)]);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) {
      throw new PacerError('QUEUE_UNAVAILABLE', 'event bus did not close cleanly', { cause: new AggregateError(errors) });
    }
  }

  #channel(topic: string): string {
    return `${this.#prefix}:${topic}`;
  }

  /** Removes one subscription; the last one of a channel UNSUBSCRIBEs it. Idempotent. */
  async #drop(name: string, sub: SerialSubscription): Promise<void> {
    sub.stop();
    const channel = this.#channels.get(name);
    if (channel === undefined || !channel.subs.delete(sub) || channel.subs.size > 0) return;
    this.#channels.delete(name);
    if (this.#closed) return;
    try {
      await this.#sub.unsubscribe(name);
    } catch (err) {
      throw new PacerError('QUEUE_UNAVAILABLE', `could not unsubscribe from ${sub.topic}`, { cause: err });
    }
  }
}
