import { PacerError, isPacerError } from '../../domain/pacer-error.ts';
import type { EventHandler, EventHandlerFailure } from '../../domain/ports/event-bus.ts';

/**
 * One subscriber of one topic: parses each delivered JSON event into a fresh object and calls the
 * handler one event at a time, in delivery order (an async handler's next event waits for it).
 * A failing handler is reported through `report` with its error as `cause`, and delivery goes on.
 * After `stop()` nothing more reaches the handler, even events already queued.
 *
 * @example
 * ```ts
 * const sub = new SerialSubscription('stats', handler, (failure) => failures.emit(failure));
 * sub.deliver('{"calls":3}');
 * sub.stop();
 * ```
 */
export class SerialSubscription {
  readonly topic: string;
  readonly #handler: EventHandler<unknown>;
  readonly #report: (failure: EventHandlerFailure) => void;
  #tail: Promise<void> = Promise.resolve();
  #active = true;

  constructor(topic: string, handler: EventHandler<unknown>, report: (failure: EventHandlerFailure) => void) {
    this.topic = topic;
    this.#handler = handler;
    this.#report = report;
  }

  get active(): boolean {
    return this.#active;
  }

  deliver(json: string): void {
    if (!this.#active) return;
    this.#tail = this.#tail.then(() => this.#call(json));
  }

  stop(): void {
    this.#active = false;
  }

  async #call(json: string): Promise<void> {
    if (!this.#active) return;
    let event: unknown;
    try {
      event = JSON.parse(json);
    } catch (err) {
      this.#report({
        topic: this.topic,
        error: new PacerError('VALIDATION_FAILED', `event on topic ${this.topic} is not JSON`, {
          cause: err,
          issues: [{ field: 'event', reason: 'must be JSON' }],
        }),
      });
      return;
    }
    try {
      await this.#handler(event);
    } catch (err) {
      const code = isPacerError(err) ? err.code : 'INTERNAL';
      const reason = err instanceof Error ? err.message : String(err);
      this.#report({
        topic: this.topic,
        error: new PacerError(code, `event handler for topic ${this.topic} failed: ${reason}`, { cause: err }),
      });
    }
  }
}
