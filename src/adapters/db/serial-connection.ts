import type pg from 'pg';

/**
 * Runs statements on one connection strictly one after the other, each started when the one
 * before it has finished (succeeded or failed), so callers can hand over the next statement
 * before the previous one is done without relying on pg's own client-side query queue (deprecated
 * in pg 8, removed in pg 9). A failed statement inside a transaction makes the ones queued behind
 * it fail too, each with PostgreSQL's error, through its own promise.
 *
 * @example
 * ```ts
 * const serial = new SerialConnection(client);
 * const first = serial.run((c) => c.query('SELECT 1'));
 * const second = serial.run((c) => c.query('SELECT 2')); // sent once `first` has its answer
 * await Promise.all([first, second]);
 * ```
 */
export class SerialConnection {
  readonly #client: pg.PoolClient;
  #tail: Promise<void> = Promise.resolve();

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  /** Queues `statement`; it runs once every statement queued before it has settled. */
  run<T>(statement: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => statement(this.#client));
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
