import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';
import type { ParsedLead } from '../../../domain/leads/lead-record-parser.ts';
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

/** Rows per round trip; each chunk is one lookup query and two COPY statements. */
const DEFAULT_CHUNK_ROWS = 5000;
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const UNIQUE_VIOLATION = '23505';

/** COPY text format: backslash, tab, newline and CR are escaped; null is \N. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A Postgres array literal of strings (zone names). */
function textArray(values: readonly string[] | null): string | null {
  return values === null ? null : `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * Writes one import's leads inside ONE transaction on a dedicated connection, so a failed import
 * leaves nothing behind. Leads arrive in chunks; for each chunk one query asks which of its numbers
 * the campaign already has (including rows this import wrote earlier: the transaction sees its own
 * writes) and which are on an applicable DNC list (an index join against `dnc_entries`), then the
 * chunk is COPYed straight into `leads` and `lead_phones`. Postgres works on chunk N while the
 * caller parses chunk N+1. A number's first occurrence wins; a row left without a new number is a
 * duplicate; DNC numbers are kept and flagged, and a lead all of whose numbers are flagged gets
 * status 'dnc'. Imports into one campaign are serialized by an advisory lock.
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
  #chunk: ParsedLead[] = [];
  #inflight: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  #done = false;
  readonly #counts: ImportCommitCounts = { rowsAccepted: 0, rowsDuplicate: 0, rowsDnc: 0, phonesInserted: 0 };

  private constructor(client: pg.PoolClient, target: ImportTarget, chunkRows: number) {
    this.#client = client;
    this.#target = target;
    this.#chunkRows = chunkRows;
  }

  static async open(pool: pg.Pool, target: ImportTarget, options: { chunkRows?: number } = {}): Promise<ImportLeadWriter> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // The per-chunk probes are small index lookups: parallel workers only add start-up cost.
      await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
      // Every statement here is small and repeated per chunk: JIT compilation would only add time.
      await client.query('SET LOCAL jit = off');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('pacer.lead-import:' || $1, 0))`, [target.campaignId]);
    } catch (err) {
      client.release(true);
      throw err;
    }
    return new ImportLeadWriter(client, target, options.chunkRows ?? DEFAULT_CHUNK_ROWS);
  }

  /** Buffers a lead; true when a chunk is full and the caller should `await flush()`. */
  add(lead: ParsedLead): boolean {
    this.#chunk.push(lead);
    return this.#chunk.length >= this.#chunkRows;
  }

  /** Waits for the previous chunk to reach Postgres, then starts writing the buffered one. */
  async flush(): Promise<void> {
    await this.#inflight;
    this.#rethrow();
    if (this.#chunk.length === 0) return;
    const chunk = this.#chunk;
    this.#chunk = [];
    // Not awaited here, so the caller parses the next chunk meanwhile; the outcome is checked on
    // the next flush or at commit.
    this.#inflight = this.#write(chunk).then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
  }

  /** Writes the rest, the row issues and the final counts, marks the import completed, commits. */
  async commit(totals: ImportTotals): Promise<ImportCommitCounts> {
    await this.flush();
    await this.#inflight;
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
    await this.#inflight;
    // Dropping the connection aborts the transaction (and any COPY in progress) server-side.
    this.#client.release(true);
  }

  #rethrow(): void {
    if (this.#failure === undefined) return;
    const { error } = this.#failure;
    if (error instanceof Error && (error as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new PacerError('CONFLICT', 'a number in this file was added to the campaign by someone else during the import; run the import again', { cause: error });
    }
    throw error;
  }

  async #write(chunk: readonly ParsedLead[]): Promise<void> {
    const c = this.#client;
    const { campaignId, leadListId, dncListIds } = this.#target;
    const numbers = [...new Set(chunk.flatMap((lead) => lead.phones))];
    // Two index probes (= ANY on the unique (campaign_id, e164) index and on dnc_entries' e164 index):
    // one descent per number, whatever the planner believes about the tables' sizes mid-transaction.
    const existing = await c.query<{ e164: string }>('SELECT e164 FROM lead_phones WHERE campaign_id = $1 AND e164 = ANY ($2::text[])', [campaignId, numbers]);
    const onDnc = await c.query<{ e164: string }>(
      'SELECT DISTINCT e164 FROM dnc_entries WHERE e164 = ANY ($1::text[]) AND dnc_list_id = ANY ($2::uuid[])',
      [numbers, dncListIds],
    );
    const ids = await c.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('leads', 'id'))::text AS id FROM generate_series(1, $1)`, [chunk.length]);
    const taken = new Set(existing.rows.map((r) => r.e164));
    const dnc = new Set(onDnc.rows.map((r) => r.e164));
    const leadIds = ids.rows.map((r) => r.id);
    let leadLines = '';
    let phoneLines = '';
    let next = 0;
    for (const lead of chunk) {
      const fresh = lead.phones.filter((e164) => !taken.has(e164));
      if (fresh.length === 0) {
        this.#counts.rowsDuplicate += 1;
        continue;
      }
      for (const e164 of fresh) taken.add(e164);
      const id = leadIds[next++];
      if (id === undefined) throw new PacerError('INTERNAL', 'ran out of reserved lead ids');
      const flagged = fresh.map((e164) => dnc.has(e164));
      const anyDnc = flagged.includes(true);
      const allDnc = !flagged.includes(false);
      this.#counts.rowsAccepted += 1;
      if (anyDnc) this.#counts.rowsDnc += 1;
      this.#counts.phonesInserted += fresh.length;
      leadLines +=
        `${id}\t${campaignId}\t${leadListId}\t${lead.sourceRow}\t${copyText(lead.firstName)}\t${copyText(lead.lastName)}\t` +
        `${copyText(lead.email)}\t${copyText(lead.state)}\t${copyText(lead.zip)}\t${copyText(lead.timezone)}\t${lead.timezoneSource}\t` +
        `${copyText(textArray(lead.timezoneCandidates))}\t${copyText(JSON.stringify(lead.custom))}\t${allDnc ? 'dnc' : 'new'}\t${anyDnc ? 't' : 'f'}\n`;
      fresh.forEach((e164, i) => {
        phoneLines += `${id}\t${i + 1}\t${campaignId}\t${e164}\t${flagged[i] === true ? 't' : 'f'}\n`;
      });
    }
    if (leadLines === '') return;
    await this.#copy(
      'COPY leads (id, campaign_id, lead_list_id, source_row, first_name, last_name, email, state, zip, timezone, timezone_source, timezone_candidates, custom, status, dnc_flagged) FROM STDIN',
      leadLines,
    );
    await this.#copy('COPY lead_phones (lead_id, position, campaign_id, e164, dnc_flagged) FROM STDIN', phoneLines);
  }

  async #copy(statement: string, text: string): Promise<void> {
    const stream = this.#client.query(copyFrom(statement));
    const finished = once(stream, 'finish');
    stream.end(text);
    await finished;
  }
}
