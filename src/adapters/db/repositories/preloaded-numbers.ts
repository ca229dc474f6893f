import { PhoneNumberSet } from '../../../domain/leads/phone-number-set.ts';
import type { SerialConnection } from '../serial-connection.ts';

/**
 * Numbers an import reads into memory up front (the campaign's, or those of the DNC lists that
 * apply), unless there are more than the preload limit. They arrive while the import already
 * parses its first rows: {@link PreloadedNumbers.loaded} settles once they are all in `known`.
 */
export interface PreloadedNumbers {
  readonly known: PhoneNumberSet;
  /** False when there were more than the limit: `known` stays empty and the caller probes instead. */
  readonly complete: boolean;
  readonly loaded: Promise<void>;
}

/** Where numbers are read from: `FROM ... WHERE ...` with an `e164` column, and its parameters. */
export interface NumberSource {
  filter: string;
  params: unknown[];
}

/**
 * Counts the numbers of each source and then, for each source with at most `limit` of them,
 * queues the query reading them (one round trip: a newline-separated text column) without waiting
 * for it; statements queued after them run after them. Returns one {@link PreloadedNumbers} per
 * source, in order.
 *
 * @example
 * ```ts
 * const [dnc] = await preloadNumbers(new SerialConnection(client), 4_000_000, [{ filter: 'FROM dnc_entries WHERE dnc_list_id = ANY ($1::uuid[])', params: [listIds] }]);
 * await dnc?.loaded;
 * dnc?.known.has('+12125550100');
 * ```
 */
export async function preloadNumbers(serial: SerialConnection, limit: number, sources: readonly NumberSource[]): Promise<PreloadedNumbers[]> {
  const counts: number[] = [];
  for (const { filter, params } of sources) {
    const counted = await serial.run((c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 ${filter} LIMIT ${limit + 1}) s`, params));
    counts.push(counted.rows[0]?.n ?? 0);
  }
  return sources.map(({ filter, params }, i) => {
    const count = counts[i] ?? 0;
    if (count > limit) return { known: new PhoneNumberSet(), complete: false, loaded: Promise.resolve() };
    const known = new PhoneNumberSet(count);
    if (count === 0) return { known, complete: true, loaded: Promise.resolve() };
    const loaded = serial.run((c) => c.query<{ numbers: string | null }>(`SELECT string_agg(e164, E'\\n') AS numbers ${filter}`, params)).then((text) => {
      known.addLines(text.rows[0]?.numbers ?? '');
    });
    // A failed read also fails every later statement of the transaction (the import sees that
    // error): this handler only keeps the rejection from counting as unhandled before it is awaited.
    loaded.catch(() => undefined);
    return { known, complete: true, loaded };
  });
}
