import { PacerError } from '../../../domain/pacer-error.ts';
import type { PhoneNumberSet } from '../../../domain/leads/phone-number-set.ts';
import { CopyBuffer } from '../../import/copy-buffer.ts';
import { LeadChunk, MAX_PHONES_PER_LEAD } from '../../import/lead-chunk.ts';
import type { ImportCommitCounts } from './import-lead-writer.ts';

/** COPY pieces: the flag ending a number's line and a lead's status columns. */
const FLAG_TRUE = Buffer.from('\tt\n');
const FLAG_FALSE = Buffer.from('\tf\n');
const STATUS_DNC = Buffer.from('\tdnc\tt\n');
const STATUS_NEW_FLAGGED = Buffer.from('\tnew\tt\n');
const STATUS_NEW = Buffer.from('\tnew\tf\n');

/** A chunk's leads as they were added, its COPY data, and which of its numbers are new (per slot). */
export interface ChunkBuffers {
  chunk: LeadChunk;
  leads: CopyBuffer;
  phones: CopyBuffer;
  fresh: Uint8Array;
}

export function newChunkBuffers(chunkRows: number): ChunkBuffers {
  return { chunk: new LeadChunk(chunkRows), leads: new CopyBuffer(1024 * 1024), phones: new CopyBuffer(256 * 1024), fresh: new Uint8Array(chunkRows * MAX_PHONES_PER_LEAD) };
}

/**
 * Marks which of the chunk's numbers are new to the campaign (adding them to `taken`: a number's
 * first occurrence wins) and counts the rows left without a new number as duplicates.
 * `collectFresh`: also return the new numbers as strings (for a DNC probe).
 *
 * @example
 * ```ts
 * const { accepted } = dedupeChunk(buffers, taken, counts, false);
 * ```
 */
export function dedupeChunk(buffers: ChunkBuffers, taken: PhoneNumberSet, counts: ImportCommitCounts, collectFresh: boolean): { accepted: number; freshNumbers: string[] | undefined } {
  const { chunk, fresh } = buffers;
  let accepted = 0;
  const freshNumbers: string[] | undefined = collectFresh ? [] : undefined;
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
    if (any === 0) counts.rowsDuplicate += 1;
    else accepted += 1;
  }
  return { accepted, freshNumbers };
}

/** What encoding a deduped chunk needs besides its buffers. */
export interface ChunkEncoding {
  /** One reserved lead id per accepted lead, in order. */
  ids: readonly number[];
  /** The DNC numbers that apply (all of them, or those found for this chunk's new numbers). */
  onDnc: PhoneNumberSet;
  /** `\t<campaign>\t<lead list>\t`: the bytes after a lead's id. */
  leadColumns: Buffer;
  /** `\t<position>\t<campaign>\t` per position: the bytes after a number's lead id. */
  phoneColumns: readonly Buffer[];
}

/**
 * Writes the COPY lines of a deduped chunk into its `leads` and `phones` buffers, one line at a
 * time straight into bytes: a lead line for every lead with a new number, a number line for each
 * new number (positions renumbered 1.. over the lead's new numbers, in column order) with its own
 * zone columns. A lead all of
 * whose new numbers are on a DNC list gets status 'dnc'; one with some gets flagged.
 *
 * @example
 * ```ts
 * encodeChunk(buffers, { ids, onDnc, leadColumns, phoneColumns }, counts);
 * buffers.leads.bytes(); // COPY leads (id, campaign_id, lead_list_id, source_row, ..., status, dnc_flagged) data
 * ```
 */
export function encodeChunk(buffers: ChunkBuffers, encoding: ChunkEncoding, counts: ImportCommitCounts): void {
  const { chunk, fresh } = buffers;
  const { ids, onDnc, leadColumns, phoneColumns } = encoding;
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
      const position = phoneColumns[written];
      if (position === undefined) throw new PacerError('INTERNAL', 'a lead with more than 3 numbers');
      phoneLines.integer(id);
      phoneLines.raw(position);
      if (key === 0) phoneLines.ascii(chunk.phone(n, k));
      else {
        phoneLines.ascii('+');
        phoneLines.integer(key);
      }
      phoneLines.raw(chunk.phoneZone(n, k));
      phoneLines.raw(flagged ? FLAG_TRUE : FLAG_FALSE);
      written += 1;
    }
    if (written === 0) continue;
    counts.rowsAccepted += 1;
    if (flaggedCount > 0) counts.rowsDnc += 1;
    counts.phonesInserted += written;
    leadLines.integer(id);
    leadLines.raw(leadColumns);
    leadLines.raw(text, chunk.start(n), chunk.end(n));
    leadLines.raw(flaggedCount === written ? STATUS_DNC : flaggedCount > 0 ? STATUS_NEW_FLAGGED : STATUS_NEW);
  }
}
