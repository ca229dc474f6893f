import type { SerialConnection } from '../serial-connection.ts';
import { PacerError } from '../../../domain/pacer-error.ts';

/**
 * Lead ids reserved from the `leads` sequence ahead of need, for one import's connection. A chunk
 * of leads takes its ids synchronously while enough are reserved, so its COPY data is encoded and
 * queued on the connection at once, with no round trip (and no wait for Node's event loop) between
 * a chunk's id query and its COPY. When the reserve runs low, the next batch is asked for in the
 * background, queued behind the COPYs already sent. Takers are served in the order they asked, so
 * leads get ids in file order. Ids reserved and not used are a gap in the sequence, as ids of
 * rolled-back transactions are.
 *
 * @example
 * ```ts
 * const ids = new LeadIdPool(new SerialConnection(client), 'leads_id_seq', 20_000);
 * const got = ids.take(5_000);
 * const leadIds = Array.isArray(got) ? got : await got;
 * ```
 */
export class LeadIdPool {
  readonly #serial: SerialConnection;
  readonly #sequence: string;
  readonly #batchIds: number;
  /** Reserved runs as [next, end) pairs, oldest first. */
  readonly #runs: number[] = [];
  #available = 0;
  #reserving: Promise<void> | undefined;
  /** Takers waiting for a reservation; later takers queue behind them (`#queue` settles after the last). */
  #waiting = 0;
  #queue: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;

  constructor(serial: SerialConnection, sequence: string, batchIds: number) {
    this.#serial = serial;
    this.#sequence = sequence;
    this.#batchIds = batchIds;
  }

  /** Starts reserving a batch in the background unless enough ids are reserved or on their way. */
  prefetch(): void {
    if (this.#available >= this.#batchIds / 2 || this.#reserving !== undefined || this.#failure !== undefined) return;
    this.#reserve(this.#batchIds).catch((error: unknown) => {
      this.#failure ??= { error };
    });
  }

  /**
   * `count` new lead ids in sequence order: an array at once when they are reserved already (and
   * nobody is waiting), else a promise of them.
   */
  take(count: number): number[] | Promise<number[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    if (this.#waiting === 0 && this.#available >= count) return this.#takeReserved(count);
    this.#waiting += 1;
    const turn = this.#queue.then(async () => {
      try {
        if (this.#failure !== undefined) throw this.#failure.error;
        while (this.#available < count) await this.#reserve(Math.max(count - this.#available, this.#batchIds));
        return this.#takeReserved(count);
      } finally {
        this.#waiting -= 1;
      }
    });
    this.#queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  #takeReserved(count: number): number[] {
    const ids: number[] = new Array<number>(count);
    let filled = 0;
    while (filled < count) {
      const next = this.#runs[0];
      const end = this.#runs[1];
      if (next === undefined || end === undefined) throw new PacerError('INTERNAL', `the lead id reserve ran out after ${filled} of ${count} ids`);
      const n = Math.min(end - next, count - filled);
      for (let i = 0; i < n; i++) ids[filled + i] = next + i;
      filled += n;
      if (next + n === end) this.#runs.splice(0, 2);
      else this.#runs[0] = next + n;
    }
    this.#available -= count;
    this.prefetch();
    return ids;
  }

  /** One query reserving `count` ids (returned by PostgreSQL as runs of consecutive values). */
  #reserve(count: number): Promise<void> {
    this.#reserving ??= this.#serial
      .run((c) =>
        c.query<{ first: string; n: number }>(
          `SELECT min(v)::text AS first, count(*)::int AS n
           FROM (SELECT v, v - row_number() OVER (ORDER BY v) AS run FROM (SELECT nextval($1::regclass) AS v FROM generate_series(1, $2)) s) t
           GROUP BY run ORDER BY min(v)`,
          [this.#sequence, count],
        ),
      )
      .then((result) => {
        for (const { first, n } of result.rows) {
          const start = Number(first);
          if (!Number.isSafeInteger(start + n)) throw new PacerError('INTERNAL', `lead id ${first} is beyond what the importer handles`);
          this.#runs.push(start, start + n);
          this.#available += n;
        }
      })
      .finally(() => {
        this.#reserving = undefined;
      });
    return this.#reserving;
  }
}
