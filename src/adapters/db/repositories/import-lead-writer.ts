import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';
import type { ParsedLead } from '../../../domain/leads/lead-record-parser.ts';
import { PhoneNumberSet } from '../../../domain/leads/phone-number-set.ts';
import { CopyBuffer } from '../../import/copy-buffer.ts';
import { LeadChunk, MAX_PHONES_PER_LEAD } from '../../import/lead-chunk.ts';
import { copyText, leadColumnsText } from '../../import/lead-copy-text.ts';
import { lockCampaignNumbers } from './campaign-numbers-lock.ts';
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

/** Rows per round trip; each chunk is one id query and two COPY statements. */
const DEFAULT_CHUNK_ROWS = 5_000;
/**
 * Up to this many numbers (the campaign's existing ones, or the applicable DNC lists) are read
 * into memory once and checked there (~16 bytes a number); larger sets are probed per chunk.
 */
const DEFAULT_PRELOAD_LIMIT = 4_000_000;
/** COPY pieces: the flag ending a number's line and a lead's status columns. */
const FLAG_TRUE = Buffer.from('\tt\n');
const FLAG_FALSE = Buffer.from('\tf\n');
const STATUS_DNC = Buffer.from('\tdnc\tt\n');
const STATUS_NEW_FLAGGED = Buffer.from('\tnew\tt\n');
const STATUS_NEW = Buffer.from('\tnew\tf\n');

/** Chunks being written at once: one in PostgreSQL's hands, the next queued behind it. */
const MAX_CHUNKS_IN_FLIGHT = 2;

/** A chunk's leads as they were added, its COPY data, and which of its numbers are new (per slot). */
interface ChunkBuffers {
  chunk: LeadChunk;
  leads: CopyBuffer;
  phones: CopyBuffer;
  fresh: Uint8Array;
}

function newChunkBuffers(chunkRows: number): ChunkBuffers {
  return { chunk: new LeadChunk(chunkRows), leads: new CopyBuffer(1024 * 1024), phones: new CopyBuffer(256 * 1024), fresh: new Uint8Array(chunkRows * MAX_PHONES_PER_LEAD) };
}

/** Numbers read into memory up front, unless there were more than the preload limit. */
interface Preloaded {
  readonly known: PhoneNumberSet;
  readonly complete: boolean;
}

/** The applicable DNC numbers: preloaded, or (too many) probed per chunk. */
interface DncSource {
  readonly known: PhoneNumberSet;
  readonly probe: ((numbers: string[]) => Promise<string[]>) | undefined;
}

/**
 * Writes one import's leads inside ONE transaction on a dedicated connection, so a failed import
 * leaves nothing behind. Imports into one campaign are serialized by an advisory lock; under it the
 * campaign's existing numbers and the applicable DNC numbers are read into memory once (when there
 * are at most `preloadLimit` of each), so dedupe and DNC scrub are in-process set lookups. A DNC set
 * too large to preload is probed per chunk with `= ANY` index lookups; a campaign with too many
 * numbers to preload is matched once against the file's own numbers ({@link learnExistingNumbers},
 * before the first lead is added): `lead_phones` has no index on (campaign_id, e164), see ADR 0005. Leads arrive in chunks; for each
 * chunk one query reserves lead ids from the `leads` sequence and the chunk is COPYed straight
 * into `leads` and `lead_phones`. Up to two chunks are queued on the connection while the caller parses the next.
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
  readonly #target: ImportTarget;
  readonly #chunkRows: number;
  readonly #leadIdSequence: string;
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
  #done = false;
  readonly #counts: ImportCommitCounts = { rowsAccepted: 0, rowsDuplicate: 0, rowsDnc: 0, phonesInserted: 0 };
  /** COPY bytes every line of the import repeats: `\t<campaign>\t<lead list>\t` after a lead's id, `\t<position>\t<campaign>\t` after a number's lead id. */
  readonly #leadColumns: Buffer;
  readonly #phoneColumns: readonly Buffer[];

  private constructor(client: pg.PoolClient, target: ImportTarget, setup: { chunkRows: number; leadIdSequence: string; taken: Preloaded; dnc: DncSource }) {
    this.#client = client;
    this.#target = target;
    this.#chunkRows = setup.chunkRows;
    this.#buffers = newChunkBuffers(setup.chunkRows);
    this.#leadIdSequence = setup.leadIdSequence;
    this.#taken = setup.taken.known;
    this.#mustLearn = !setup.taken.complete;
    this.#dnc = setup.dnc;
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
      const taken = await preload(client, limit, 'FROM lead_phones WHERE campaign_id = $1', [campaignId]);
      const dncNumbers = await preload(client, limit, 'FROM dnc_entries WHERE dnc_list_id = ANY ($1::uuid[])', [dncListIds]);
      const dnc: DncSource = {
        known: dncNumbers.known,
        probe: dncNumbers.complete
          ? undefined
          : async (numbers) => {
              const found = await client.query<{ e164: string }>('SELECT DISTINCT e164 FROM dnc_entries WHERE e164 = ANY ($1::text[]) AND dnc_list_id = ANY ($2::uuid[])', [numbers, dncListIds]);
              return found.rows.map((r) => r.e164);
            },
      };
      return new ImportLeadWriter(client, target, { chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS, leadIdSequence: sequence.rows[0]?.name ?? 'leads_id_seq', taken, dnc });
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
    const c = this.#client;
    await c.query('CREATE TEMPORARY TABLE pacer_import_numbers (e164 text NOT NULL) ON COMMIT DROP');
    const lines = new CopyBuffer(1024 * 1024);
    for (const e164 of fileNumbers.values()) {
      lines.write(copyText(e164));
      lines.raw(NEWLINE);
    }
    await this.#copy('COPY pacer_import_numbers (e164) FROM STDIN', lines.bytes());
    await c.query('ANALYZE pacer_import_numbers');
    const found = await c.query<{ numbers: string | null }>(
      `SELECT string_agg(DISTINCT p.e164, E'\\n') AS numbers
       FROM lead_phones p JOIN pacer_import_numbers f ON f.e164 = p.e164
       WHERE p.campaign_id = $1`,
      [this.#target.campaignId],
    );
    await c.query('DROP TABLE pacer_import_numbers');
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
    chunk.push(start, lead.phones);
    return chunk.full;
  }

  /**
   * Starts writing the buffered chunk, after waiting while MAX_CHUNKS_IN_FLIGHT earlier ones are
   * still being written. Not awaited to the end, so the caller parses the next chunk meanwhile
   * (and PostgreSQL has the next chunk queued when it finishes one); the outcome is checked on the
   * next flush or at commit.
   */
  async flush(): Promise<void> {
    while (this.#inflight.length >= MAX_CHUNKS_IN_FLIGHT) await this.#inflight.shift();
    this.#rethrow();
    const buffers = this.#buffers;
    if (buffers.chunk.size === 0) return;
    this.#buffers = this.#spare.pop() ?? newChunkBuffers(this.#chunkRows);
    this.#buffers.chunk.clear();
    this.#inflight.push(
      this.#write(buffers).then(
        () => {
          this.#spare.push(buffers);
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      ),
    );
  }

  /** Writes the rest, the row issues and the final counts, marks the import completed, commits. */
  async commit(totals: ImportTotals): Promise<ImportCommitCounts> {
    await this.flush();
    await Promise.all(this.#inflight.splice(0));
    this.#rethrow();
    const c = this.#client;
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
         rows_duplicate = $5, rows_dnc = $6, bytes_read = $7, error_code = NULL, error_message = NULL, finished_at = now()
       WHERE id = $1 AND status = 'running'`,
      [importId, totals.rowsTotal, this.#counts.rowsAccepted, totals.rowsRejected, this.#counts.rowsDuplicate, this.#counts.rowsDnc, totals.bytesRead],
    );
    if (done.rowCount !== 1) throw new PacerError('CONFLICT', `import ${importId} is no longer running; its leads were not written`);
    await c.query('COMMIT');
    this.#done = true;
    this.#client.release();
    return { ...this.#counts };
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

  async #write(buffers: ChunkBuffers): Promise<void> {
    const { chunk, fresh } = buffers;
    const taken = this.#taken;
    // Dedupe first, synchronously: chunks are deduped in the order they were flushed.
    let accepted = 0;
    const freshNumbers: string[] | undefined = this.#dnc.probe === undefined ? undefined : [];
    for (let n = 0; n < chunk.size; n++) {
      let any = 0;
      for (let k = 0; k < chunk.phoneCount(n); k++) {
        const key = chunk.phoneKey(n, k);
        const isNew = key === 0 ? taken.add(chunk.phone(n, k)) : taken.addKey(key);
        fresh[n * MAX_PHONES_PER_LEAD + k] = isNew ? 1 : 0;
        if (!isNew) continue;
        any += 1;
        freshNumbers?.push(chunk.phone(n, k));
      }
      if (any === 0) this.#counts.rowsDuplicate += 1;
      else accepted += 1;
    }
    if (accepted === 0) return;
    let onDnc = this.#dnc.known;
    if (this.#dnc.probe !== undefined && freshNumbers !== undefined) {
      onDnc = new PhoneNumberSet(freshNumbers.length);
      for (const e164 of await this.#dnc.probe(freshNumbers)) onDnc.add(e164);
    }
    const ids = await this.#reserveLeadIds(accepted);
    const fixed = this.#leadColumns;
    const phoneFixed = this.#phoneColumns;
    // COPY data goes straight into buffers, one line at a time: no long-lived string ropes on the heap.
    const text = chunk.text.bytes();
    const leadLines = buffers.leads;
    const phoneLines = buffers.phones;
    leadLines.clear();
    phoneLines.clear();
    let next = 0;
    for (let n = 0; n < chunk.size; n++) {
      let written = 0;
      let flaggedCount = 0;
      let id = 0;
      for (let k = 0; k < chunk.phoneCount(n); k++) {
        if (fresh[n * MAX_PHONES_PER_LEAD + k] === 0) continue;
        if (written === 0) {
          const reserved = ids[next];
          if (reserved === undefined) throw new PacerError('INTERNAL', 'ran out of reserved lead ids');
          id = reserved;
          next += 1;
        }
        const key = chunk.phoneKey(n, k);
        const flagged = key === 0 ? onDnc.has(chunk.phone(n, k)) : onDnc.hasKey(key);
        if (flagged) flaggedCount += 1;
        // Positions are renumbered 1.. over the lead's new numbers, in column order.
        const position = phoneFixed[written];
        if (position === undefined) throw new PacerError('INTERNAL', 'a lead with more than 3 numbers');
        phoneLines.integer(id);
        phoneLines.raw(position);
        if (key === 0) phoneLines.ascii(chunk.phone(n, k));
        else {
          phoneLines.ascii('+');
          phoneLines.integer(key);
        }
        phoneLines.raw(flagged ? FLAG_TRUE : FLAG_FALSE);
        written += 1;
      }
      if (written === 0) continue;
      this.#counts.rowsAccepted += 1;
      if (flaggedCount > 0) this.#counts.rowsDnc += 1;
      this.#counts.phonesInserted += written;
      leadLines.integer(id);
      leadLines.raw(fixed);
      leadLines.raw(text, chunk.start(n), chunk.end(n));
      leadLines.raw(flaggedCount === written ? STATUS_DNC : flaggedCount > 0 ? STATUS_NEW_FLAGGED : STATUS_NEW);
    }
    await this.#copy(
      'COPY leads (id, campaign_id, lead_list_id, source_row, first_name, last_name, email, state, zip, timezone, timezone_source, timezone_candidates, custom, status, dnc_flagged) FROM STDIN',
      leadLines.bytes(),
    );
    await this.#copy('COPY lead_phones (lead_id, position, campaign_id, e164, dnc_flagged) FROM STDIN', phoneLines.bytes());
  }

  /** `count` new lead ids, in the order the sequence handed them out (one query, returned as runs). */
  async #reserveLeadIds(count: number): Promise<number[]> {
    const runs = await this.#client.query<{ first: string; n: number }>(
      `SELECT min(v)::text AS first, count(*)::int AS n
       FROM (SELECT v, v - row_number() OVER (ORDER BY v) AS run FROM (SELECT nextval($1::regclass) AS v FROM generate_series(1, $2)) s) t
       GROUP BY run ORDER BY min(v)`,
      [this.#leadIdSequence, count],
    );
    const ids: number[] = [];
    for (const { first, n } of runs.rows) {
      const start = Number(first);
      if (!Number.isSafeInteger(start + n)) throw new PacerError('INTERNAL', `lead id ${first} is beyond what the importer handles`);
      for (let i = 0; i < n; i++) ids.push(start + i);
    }
    if (ids.length !== count) throw new PacerError('INTERNAL', `reserved ${ids.length} lead ids for ${count} leads`);
    return ids;
  }

  async #copy(statement: string, data: Buffer): Promise<void> {
    const stream = this.#client.query(copyFrom(statement));
    const finished = once(stream, 'finish');
    stream.end(data);
    await finished;
  }
}


const NEWLINE = Buffer.from('\n');

/**
 * The numbers matching `filter` (`FROM ... WHERE ...` with an `e164` column), read into memory
 * when at most `limit`; otherwise an empty, incomplete set.
 */
async function preload(client: pg.PoolClient, limit: number, filter: string, params: unknown[]): Promise<Preloaded> {
  const counted = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 ${filter} LIMIT ${limit + 1}) s`, params);
  const count = counted.rows[0]?.n ?? 0;
  if (count > limit) return { known: new PhoneNumberSet(), complete: false };
  const known = new PhoneNumberSet(count);
  if (count > 0) {
    // One round trip for the whole set: a newline-separated text column, split here.
    const text = await client.query<{ numbers: string }>(`SELECT string_agg(e164, E'\\n') AS numbers ${filter}`, params);
    known.addLines(text.rows[0]?.numbers ?? '');
  }
  return { known, complete: true };
}
