import { PacerError } from '../../domain/pacer-error.ts';
import type { EventBus, EventHandler, EventHandlerFailure, EventMap, Unsubscribe } from '../../domain/ports/event-bus.ts';
import { ListenerSet } from '../queue/listener-set.ts';
import { consoleQueueLogger } from '../queue/queue-logger.ts';
import type { QueueLogger } from '../queue/queue-logger.ts';
import { toJsonPayload } from '../queue/to-json-payload.ts';
import { SerialSubscription } from './serial-subscription.ts';
import { validateTopic } from './validate-topic.ts';

export interface InProcessEventBusOptions {
  logger?: QueueLogger;
}

/**
 * The single-node `EventBus`: subscribers in this process only. Events go through JSON exactly as on
 * Redis (each subscriber gets its own copy; a `Date` arrives as a string), and are delivered
 * asynchronously, in publish order per subscriber.
 *
 * @example
 * ```ts
 * const bus = new InProcessEventBus<{ stats: { calls: number } }>();
 * const off = await bus.subscribe('stats', (s) => console.log(s.calls));
 * await bus.publish('stats', { calls: 3 });
 * ```
 */
export class InProcessEventBus<Events extends EventMap = EventMap> implements EventBus<Events> {
  readonly #topics = new Map<string, Set<SerialSubscription>>();
  readonly #failures: ListenerSet<EventHandlerFailure>;
  #closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    this.#failures = new ListenerSet<EventHandlerFailure>(options.logger ?? consoleQueueLogger, 'event handler failed', (f) => ({
      topic: f.topic,
      err: f.error,
    }));
  }

  async publish<K extends keyof Events & string>(topic: K, event: Events[K]): Promise<void> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot publish on ${topic}: the event bus is closed`);
    validateTopic(topic);
    const json = toJsonPayload(event, 'event');
    for (const sub of this.#topics.get(topic) ?? []) sub.deliver(json);
  }

  async subscribe<K extends keyof Events & string>(topic: K, handler: EventHandler<Events[K]>): Promise<Unsubscribe> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot subscribe to ${topic}: the event bus is closed`);
    validateTopic(topic);
    const sub = new SerialSubscription(topic, handler as EventHandler<unknown>, (f) => this.#failures.emit(f));
    let subs = this.#topics.get(topic);
    if (subs === undefined) {
      subs = new Set();
      this.#topics.set(topic, subs);
    }
    subs.add(sub);
    return async () => {
      sub.stop();
      const current = this.#topics.get(topic);
      current?.delete(sub);
      if (current?.size === 0) this.#topics.delete(topic);
    };
  }

  onHandlerError(listener: (failure: EventHandlerFailure) => void): () => void {
    return this.#failures.add(listener);
  }

  async ping(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const subs of this.#topics.values()) for (const sub of subs) sub.stop();
    this.#topics.clear();
  }
}
