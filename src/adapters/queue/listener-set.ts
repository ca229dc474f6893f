import type { QueueLogger } from './queue-logger.ts';

/**
 * Listeners for one kind of report (job failures, event-handler failures). A report with no listener
 * is logged at error level; a listener that throws is logged too. Nothing is dropped silently.
 *
 * @example
 * ```ts
 * const failures = new ListenerSet<JobFailure>(logger, 'job failed', (f) => ({ err: f.error }));
 * const off = failures.add((f) => alert(f));
 * failures.emit(failure);
 * ```
 */
export class ListenerSet<T> {
  readonly #listeners = new Set<(report: T) => void>();
  readonly #logger: QueueLogger;
  readonly #message: string;
  readonly #describe: (report: T) => Record<string, unknown>;

  constructor(logger: QueueLogger, message: string, describe: (report: T) => Record<string, unknown>) {
    this.#logger = logger;
    this.#message = message;
    this.#describe = describe;
  }

  add(listener: (report: T) => void): () => void {
    const wrapped = (report: T): void => listener(report);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  emit(report: T): void {
    if (this.#listeners.size === 0) {
      this.#logger.error(this.#describe(report), this.#message);
      return;
    }
    for (const listener of [...this.#listeners]) {
      try {
        listener(report);
      } catch (err) {
        this.#logger.error({ ...this.#describe(report), listenerError: err }, `${this.#message}: listener threw`);
      }
    }
  }
}
