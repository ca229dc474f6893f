/**
 * The slice of a logger the queue, bus and lease adapters need. A pino logger fits as is.
 *
 * @example
 * ```ts
 * const queue = new InProcessJobQueue({ logger: pino() });
 * ```
 */
export interface QueueLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Used when no logger is given: writes to stderr, so nothing is dropped silently. */
export const consoleQueueLogger: QueueLogger = {
  warn(obj, msg) {
    console.warn(msg, obj);
  },
  error(obj, msg) {
    console.error(msg, obj);
  },
};
