import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';
import type { ParsedLead } from '../../../domain/leads/lead-record-parser.ts';
import { PhoneNumberSet } from '../../../domain/leads/phone-number-set.ts';
import { CopyBuffer } from '../../import/copy-buffer.ts';
import { MAX_PHONES_PER_LEAD } from '../../import/lead-chunk.ts';
import { copyText, leadColumnsText } from '../../import/lead-copy-text.ts';
import { lockCampaignNumbers } from './campaign-numbers-lock.ts';
import { SerialConnection } from '../serial-connection.ts';
import { dedupeChunk, encodeChunk, newChunkBuffers, type ChunkBuffers } from './import-chunk-lines.ts';
import { LeadIdPool } from './lead-id-pool.ts';
import { preloadNumbers, type PreloadedNumbers } from './preloaded-numbers.ts';
import { MAX_STORED_ISSUES } from './import-repository.ts';

/** What one committed import wrote. */
export interface ImportCommitCounts {
  rowsAccepted: number;
  /** Valid rows none of whose numbers were new to the file or the campaign. */
  rowsDuplicate: number;
  /** Accepted leads with at least one number on an applicable DNC list. */
  rowsDnc: number;
  phonesInserted: number;
}

export interface ImportTarget {
  importId: string;
  campaignId: string;
  leadListId: string;
  /** The DNC lists that apply to the campaign (internal, global, attached). */
  dncListIds: readonly string[];
}

export interface ImportTotals {
  rowsTotal: number;
  rowsRejected: number;
  bytesRead: number;
  issues: readonly FieldIssue[];
}

/**
 * Rows per write: two COPY statements. Fewer, larger statements leave PostgreSQL idle less often
 * between one statement and the next (alternating benchmarks: 20,000 against 5,000, docs/benchmarks/import.md).
 */
const DEFAULT_CHUNK_ROWS = 20_000;
/**
 * Up to this many numbers (the campaign's existing ones, or the applicable DNC lists) are read
 * into memory once and checked there (~16 bytes a number); larger sets are probed per chunk.
 */
const DEFAULT_PRELOAD_LIMIT = 4_000_000;

/** Chunks being written at once: one in PostgreSQL's hands, the next queued behind it. */
const MAX_CHUNKS_IN_FLIGHT = 2;
/** While the preloaded numbers are still arriving, the caller parses up to this many rows ahead. */
const ROWS_AHEAD_WHILE_LOADING = 100_000;
/** Lead ids are reserved from the sequence this many chunks' worth at a time. */
const ID_BATCH_CHUNKS = 4;

/** The applicable DNC numbers: preloaded, or (too many) probed per chunk. */
interface DncSource {
  readonly known: PhoneNumberSet;
  readonly loaded: Promise<void>;
  readonly probe: ((numbers: string[]) => Promise<string[]>) | undefined;
}

/**
 * Writes one import's leads inside ONE transaction on a dedicated connection, so a failed import
 * leaves nothing behind. Imports into one campaign are serialized by an advisory lock; under it the
 * campaign's existing numbers and the applicable DNC numbers are read into memory once (when there
 * are at most `preloadLimit` of each), so dedupe and DNC scrub are in-process set lookups; they
 * arrive while the caller parses its first rows (chunks flushed meanwhile wait for them). A DNC set
 * too large to preload is probed per chunk with `= ANY` index lookups; a campaign with too many
 * numbers to preload is matched once against the file's own numbers ({@link learnExistingNumbers},
 * before the first lead is added): `lead_phones` has no index on (campaign_id, e164), see ADR 0005.
 * Leads arrive in chunks; a chunk takes lead ids reserved ahead from the `leads` sequence
 * ({@link LeadIdPool}) and is COPYed straight into `leads` and `lead_phones`, both COPYs queued
 * on the connection at once. Up to two chunks are queued while the caller parses the next.
 * A number's first occurrence wins; a row left without a new number is a duplicate; DNC numbers
 * are kept and flagged, and a lead all of whose numbers are flagged gets status 'dnc'. Every writer
 * of `lead_phones` holds the campaign's import lock (`lockCampaignNumbers`), so no number can be
 * added to the campaign between the read and the commit.
 *
 * @example
 * ```ts
 * const writer = await ImportLeadWriter.open(pool, { importId, campaignId, leadListId, dncListIds });
 * try {
 *   for (const lead of leads) if (writer.add(lead)) await writer.flush();
 *   const counts = await writer.commit({ rowsTotal, rowsRejected, bytesRead, issues });
 * } catch (err) { await writer.abort(); throw err; }
 * ```
 */
export class ImportLeadWriter {
  readonly #client: pg.PoolClient;
  /** Every statement after `open` goes through here: one at a time, in the order they were queued. */
  readonly #serial: SerialConnection;
  readonly #target: ImportTarget;
  readonly #chunkRows: number;
  readonly #ids: LeadIdPool;
  /** Numbers the campaign has: before the import (preloaded or learned) and written by it. */
  readonly #taken: PhoneNumberSet;
  /** The campaign's numbers were too many to preload: learnExistingNumbers must run first. */
  #mustLearn: boolean;
  readonly #dnc: DncSource;
  /** The buffers of the chunk being filled; those of written chunks wait in #spare for reuse. */
  #buffers: ChunkBuffers;
  readonly #spare: ChunkBuffers[] = [];
  /** Chunks sent to PostgreSQL and not yet written, oldest first. */
  readonly #inflight: Promise<void>[] = [];
  #failure: { error: unknown } | undefined;
  /** Settles once the preloaded numbers are in memory; undefined from then on. */
  #loading: Promise<void> | undefined;
  /** Chunks flushed while loading whose dedupe has not run yet. */
  #behindLoading = 0;
  #done = false;
  readonly #counts: ImportCommitCounts = { rowsAccepted: 0, rowsDuplicate: 0, rowsDnc: 0, phonesInserted: 0 };
  /** COPY bytes every line of the import repeats: `\t<campaign>\t<lead list>\t` after a lead's id, `\t<position>\t<campaign>\t` after a number's lead id. */
  readonly #leadColumns: Buffer;
  readonly #phoneColumns: readonly Buffer[];

  private constructor(client: pg.PoolClient, target: ImportTarget, setup: { serial: SerialConnection; chunkRows: number; leadIdSequence: string; taken: PreloadedNumbers; dnc: DncSource }) {
    this.#client = client;
    this.#serial = setup.serial;
    this.#target = target;
    this.#chunkRows = setup.chunkRows;
    this.#buffers = newChunkBuffers(setup.chunkRows);
    this.#ids = new LeadIdPool(setup.serial, setup.leadIdSequence, setup.chunkRows * ID_BATCH_CHUNKS);
    this.#ids.prefetch();
    this.#taken = setup.taken.known;
    this.#mustLearn = !setup.taken.complete;
    this.#dnc = setup.dnc;
    this.#loading = Promise.all([setup.taken.loaded, setup.dnc.loaded]).then(() => {
      this.#loading = undefined;
    });
    this.#loading.catch((error: unknown) => {
      this.#failure ??= { error };
    });
    this.#leadColumns = Buffer.from(`\t${target.campaignId}\t${target.leadListId}\t`);
    this.#phoneColumns = Array.from({ length: MAX_PHONES_PER_LEAD }, (_, k) => Buffer.from(`\t${k + 1}\t${target.campaignId}\t`));
  }

  static async open(pool: pg.Pool, target: ImportTarget, options: { chunkRows?: number; preloadLimit?: number } = {}): Promise<ImportLeadWriter> {
    const client = await pool.connect();
    const limit = options.preloadLimit ?? DEFAULT_PRELOAD_LIMIT;
    try {
      await client.query('BEGIN');
      // The per-chunk statements are small: parallel workers and JIT compilation would only add time.
      await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
      await client.query('SET LOCAL jit = off');
      await lockCampaignNumbers(client, target.campaignId);
      const sequence = await client.query<{ name: string }>(`SELECT pg_get_serial_sequence('leads', 'id') AS name`);
      const { campaignId, dncListIds } = target;
      // Under the advisory lock no other import adds numbers to this campaign until we commit.
      // Too many to preload: learnExistingNumbers joins them with the file's numbers instead.
      const serial = new SerialConnection(client);
      const [taken, dncNumbers] = await preloadNumbers(serial, limit, [
        { filter: 'FROM lead_phones WHERE campaign_id = $1', params: [campaignId] },
        { filter: 'FROM dnc_entries WHERE dnc_list_id = ANY ($1::uuid[])', params: [dncListIds] },
      ]);
      if (taken === undefined || dncNumbers === undefined) throw new PacerError('INTERNAL', 'preloadNumbers returned fewer sets than asked for');
      const dnc: DncSource = {
        known: dncNumbers.known,
        loaded: dncNumbers.loaded,
        probe: dncNumbers.complete
          ? undefined
          : async (numbers) => {
              const found = await serial.run((c) =>
                c.query<{ e164: string }>('SELECT DISTINCT e164 FROM dnc_entries WHERE e164 = ANY ($1::text[]) AND dnc_list_id = ANY ($2::uuid[])', [numbers, dncListIds]),
              );
              return found.rows.map((r) => r.e164);
            },
      };
      return new ImportLeadWriter(client, target, { serial, chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS, leadIdSequence: sequence.rows[0]?.name ?? 'leads_id_seq', taken, dnc });
    } catch (err) {
      client.release(true);
      throw err;
    }
  }

  /**
   * True when the campaign has more numbers than could be preloaded: the caller must then hand the
   * file's numbers to {@link learnExistingNumbers} before adding the first lead.
   */
  get needsFileNumbers(): boolean {
    return this.#mustLearn;
  }

  /**
   * Learns which of `fileNumbers` (every number the file holds) the campaign already has, in one
   * query: the numbers are COPYed into a temporary table and joined with the campaign's numbers.
   * Memory stays bounded by the file, not by the campaign.
   */
  async learnExistingNumbers(fileNumbers: PhoneNumberSet): Promise<void> {
    const lines = new CopyBuffer(1024 * 1024);
    for (const e164 of fileNumbers.values()) {
      lines.write(copyText(e164));
      lines.raw(NEWLINE);
    }
    const found = await this.#serial.run(async (c) => {
      await c.query('CREATE TEMPORARY TABLE pacer_import_numbers (e164 text NOT NULL) ON COMMIT DROP');
      await copyInto(c, 'COPY pacer_import_numbers (e164) FROM STDIN', lines.bytes());
      await c.query('ANALYZE pacer_import_numbers');
      const joined = await c.query<{ numbers: string | null }>(
        `SELECT string_agg(DISTINCT p.e164, E'\\n') AS numbers
         FROM lead_phones p JOIN pacer_import_numbers f ON f.e164 = p.e164
         WHERE p.campaign_id = $1`,
        [this.#target.campaignId],
      );
      await c.query('DROP TABLE pacer_import_numbers');
      return joined;
    });
    this.#taken.addLines(found.rows[0]?.numbers ?? '');
    this.#mustLearn = false;
  }

  /** Buffers a lead; true when a chunk is full and the caller should `await flush()`. */
  add(lead: ParsedLead): boolean {
    if (this.#mustLearn) throw new PacerError('INTERNAL', 'learnExistingNumbers must run before the first lead is added');
    // Encoded now, so the parsed lead is garbage at once (young) instead of living until the write.
    const rest = leadColumnsText(lead);
    // Copied out as bytes at once: a string kept until the write would keep the pieces it was
    // built from alive, and with them the whole blocks of the file they were sliced from.
    const { chunk } = this.#buffers;
    const start = chunk.text.length;
    chunk.text.write(rest);
    chunk.push(start, lead.phones, lead.phoneTimeZones);
    return chunk.full;
  }

  /**
   * Starts writing the buffered chunk, after waiting while MAX_CHUNKS_IN_FLIGHT earlier ones are
   * still being written (while the preloaded numbers arrive: up to ROWS_AHEAD_WHILE_LOADING rows'
   * worth of chunks, which wait for them). Without a wait, the chunk is taken before this returns
   * its promise, so the caller may add the next lead at once. Not awaited to the end, so the
   * caller parses the next chunk meanwhile (and PostgreSQL has the next chunk queued when it
   * finishes one); the outcome is checked on the next flush or at commit.
   */
  async flush(): Promise<void> {
    const limit = this.#loading === undefined ? MAX_CHUNKS_IN_FLIGHT : Math.max(MAX_CHUNKS_IN_FLIGHT, Math.ceil(ROWS_AHEAD_WHILE_LOADING / this.#chunkRows));
    while (this.#inflight.length >= limit) await this.#inflight.shift();
    this.#rethrow();
    const buffers = this.#buffers;
    if (buffers.chunk.size === 0) return;
    this.#buffers = this.#spare.pop() ?? newChunkBuffers(this.#chunkRows);
    this.#buffers.chunk.clear();
    this.#inflight.push(
      this.#dedupeAndWrite(buffers).then(
        () => {
          this.#spare.push(buffers);
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      ),
    );
  }

  /**
   * Dedupes the chunk (chunks are deduped in the order they were flushed) and writes it: at once,
   * synchronously, once the preloaded numbers are in memory; until then behind their arrival.
   */
  #dedupeAndWrite(buffers: ChunkBuffers): Promise<void> {
    const run = (): Promise<void> => {
      const { accepted, freshNumbers } = dedupeChunk(buffers, this.#taken, this.#counts, this.#dnc.probe !== undefined);
      return this.#write(buffers, accepted, freshNumbers);
    };
    if (this.#loading === undefined && this.#behindLoading === 0) return run();
    this.#behindLoading += 1;
    // Reactions run in the order they were added: after the load's own, then chunk after chunk.
    return (this.#loading ?? Promise.resolve()).then(() => {
      this.#behindLoading -= 1;
      return run();
    });
  }

  /** Writes the rest, the row issues and the final counts, marks the import completed, commits. */
  async commit(totals: ImportTotals): Promise<ImportCommitCounts> {
    await this.flush();
    await Promise.all(this.#inflight.splice(0));
    this.#rethrow();
    // Behind a lead-id reservation that may still be running.
    await this.#serial.run((c) => this.#finish(c, totals));
    this.#done = true;
    this.#client.release();
    return { ...this.#counts };
  }

  async #finish(c: pg.PoolClient, totals: ImportTotals): Promise<void> {
    const { importId } = this.#target;
    const issues = totals.issues.slice(0, MAX_STORED_ISSUES);
    await c.query('DELETE FROM import_errors WHERE import_id = $1', [importId]);
    if (issues.length > 0) {
      await c.query(
        `INSERT INTO import_errors (import_id, row, field, reason)
         SELECT $1, r, f, m FROM unnest($2::int[], $3::text[], $4::text[]) AS t (r, f, m)`,
        [importId, issues.map((i) => i.row ?? 0), issues.map((i) => i.field), issues.map((i) => i.reason)],
      );
    }
    const done = await c.query(
      `UPDATE imports SET status = 'completed', rows_total = $2, rows_accepted = $3, rows_rejected = $4,
         rows_duplicate = $5, rows_dnc = $6, bytes_read = $7, error_code = NULL, error_message = NULL, finished_at = clock_timestamp()
       WHERE id = $1 AND status = 'running'`,
      [importId, totals.rowsTotal, this.#counts.rowsAccepted, totals.rowsRejected, this.#counts.rowsDuplicate, this.#counts.rowsDnc, totals.bytesRead],
    );
    if (done.rowCount !== 1) throw new PacerError('CONFLICT', `import ${importId} is no longer running; its leads were not written`);
    await c.query('COMMIT');
  }

  /** Rolls everything back and returns the connection. Idempotent; safe after a failed commit. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await Promise.all(this.#inflight.splice(0));
    // Dropping the connection aborts the transaction (and any COPY in progress) server-side.
    this.#client.release(true);
  }

  #rethrow(): void {
    if (this.#failure === undefined) return;
    const { error } = this.#failure;
    throw error;
  }

  /**
   * Encodes the chunk's COPY data and queues both COPYs on the connection. With the DNC numbers in
   * memory and the lead ids reserved already, this happens synchronously, before `flush` returns.
   */
  async #write(buffers: ChunkBuffers, accepted: number, freshNumbers: string[] | undefined): Promise<void> {
    if (accepted === 0) return;
    let onDnc = this.#dnc.known;
    if (this.#dnc.probe !== undefined && freshNumbers !== undefined) {
      onDnc = new PhoneNumberSet(freshNumbers.length);
      for (const e164 of await this.#dnc.probe(freshNumbers)) onDnc.add(e164);
    }
    const reserved = this.#ids.take(accepted);
    const ids = Array.isArray(reserved) ? reserved : await reserved;
    encodeChunk(buffers, { ids, onDnc, leadColumns: this.#leadColumns, phoneColumns: this.#phoneColumns }, this.#counts);
    const leadLines = buffers.leads;
    const phoneLines = buffers.phones;
    // Both queued at once: the second starts as soon as PostgreSQL finishes the first.
    await Promise.all([
      this.#copy(
        'COPY leads (id, campaign_id, lead_list_id, source_row, first_name, last_name, email, state, zip, timezone, timezone_source, timezone_candidates, custom, status, dnc_flagged) FROM STDIN',
        leadLines.bytes(),
      ),
      this.#copy('COPY lead_phones (lead_id, position, campaign_id, e164, timezone, timezone_source, timezone_candidates, dnc_flagged) FROM STDIN', phoneLines.bytes()),
    ]);
  }

  async #copy(statement: string, data: Buffer): Promise<void> {
    await this.#serial.run((c) => copyInto(c, statement, data));
  }
}


const NEWLINE = Buffer.from('\n');

/** One COPY ... FROM STDIN of `data` (COPY text lines) on `client`. */
async function copyInto(client: pg.PoolClient, statement: string, data: Buffer): Promise<void> {
  const stream = client.query(copyFrom(statement));
  const finished = once(stream, 'finish');
  stream.end(data);
  await finished;
}
