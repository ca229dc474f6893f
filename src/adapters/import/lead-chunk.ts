import { PhoneNumberSet } from '../../domain/leads/phone-number-set.ts';
import type { ResolvedTimeZone } from '../../domain/leads/time-zone-resolver.ts';
import { CopyBuffer } from './copy-buffer.ts';
import { NO_NUMBER_ZONE, numberZoneColumns } from './lead-copy-text.ts';

/** A lead has at most this many numbers (phone, phone2, phone3). */
export const MAX_PHONES_PER_LEAD = 3;

/**
 * The leads of one import chunk while they wait for their write, kept without an object per lead:
 * each lead's `leads` COPY columns as bytes in {@link text}, where they start and end, and its
 * numbers as {@link PhoneNumberSet.key} doubles (a number that does not pack, which
 * libphonenumber's E.164 output never is, is kept as its string). Everything is reused from chunk
 * to chunk, so a chunk leaves nothing behind for the garbage collector to copy or promote.
 *
 * @example
 * ```ts
 * const chunk = new LeadChunk(5_000);
 * const start = chunk.text.length;
 * chunk.text.write('1\tAnn');
 * chunk.push(start, ['+12125550100']);
 * chunk.phoneKey(0, 0); // 12125550100
 * ```
 */
export class LeadChunk {
  /** The leads' COPY columns, one lead after the other (see {@link start} / {@link end}). */
  readonly text = new CopyBuffer(1024 * 1024);
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  readonly #phoneCounts: Uint8Array;
  readonly #keys: Float64Array;
  /** Each number's zone as its `lead_phones` COPY columns (shared buffers), by slot. */
  readonly #zones: Buffer[];
  /** Numbers that do not pack, by slot (lead * MAX_PHONES_PER_LEAD + position). */
  readonly #unpacked = new Map<number, string>();
  #size = 0;

  constructor(readonly capacity: number) {
    this.#starts = new Int32Array(capacity);
    this.#ends = new Int32Array(capacity);
    this.#phoneCounts = new Uint8Array(capacity);
    this.#keys = new Float64Array(capacity * MAX_PHONES_PER_LEAD);
    this.#zones = new Array<Buffer>(capacity * MAX_PHONES_PER_LEAD).fill(NO_NUMBER_ZONE);
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size >= this.capacity;
  }

  clear(): void {
    this.#size = 0;
    this.text.clear();
    this.#unpacked.clear();
  }

  /**
   * Adds a lead whose columns were written to {@link text} from `start` on, with its numbers (1-3)
   * and their zones (same order; null: the numbers take the lead's zone).
   */
  push(start: number, phones: readonly string[], zones: readonly ResolvedTimeZone[] | null = null): void {
    const lead = this.#size;
    if (lead >= this.capacity) throw new RangeError('the chunk is full');
    if (phones.length === 0 || phones.length > MAX_PHONES_PER_LEAD) throw new RangeError(`a lead has 1-${MAX_PHONES_PER_LEAD} numbers, not ${phones.length}`);
    this.#starts[lead] = start;
    this.#ends[lead] = this.text.length;
    this.#phoneCounts[lead] = phones.length;
    for (let k = 0; k < phones.length; k++) {
      const e164 = phones[k] ?? '';
      const key = PhoneNumberSet.key(e164);
      this.#keys[lead * MAX_PHONES_PER_LEAD + k] = key;
      if (key === 0) this.#unpacked.set(lead * MAX_PHONES_PER_LEAD + k, e164);
      const zone = zones?.[k];
      this.#zones[lead * MAX_PHONES_PER_LEAD + k] = zone === undefined ? NO_NUMBER_ZONE : numberZoneColumns(zone);
    }
    this.#size = lead + 1;
  }

  start(lead: number): number {
    return this.#starts[lead] ?? 0;
  }

  end(lead: number): number {
    return this.#ends[lead] ?? 0;
  }

  phoneCount(lead: number): number {
    return this.#phoneCounts[lead] ?? 0;
  }

  /** The number's key, or 0 when it does not pack (then see {@link phone}). */
  phoneKey(lead: number, position: number): number {
    return this.#keys[lead * MAX_PHONES_PER_LEAD + position] ?? 0;
  }

  /** The number's zone as `lead_phones` COPY columns, each with its leading tab. */
  phoneZone(lead: number, position: number): Buffer {
    return this.#zones[lead * MAX_PHONES_PER_LEAD + position] ?? NO_NUMBER_ZONE;
  }

  /** The number as E.164 text (builds a string: for the rare paths). */
  phone(lead: number, position: number): string {
    const key = this.phoneKey(lead, position);
    return key === 0 ? (this.#unpacked.get(lead * MAX_PHONES_PER_LEAD + position) ?? '') : `+${key}`;
  }
}
