/**
 * A growing byte buffer for COPY data, reused between chunks. Lines are written piece by piece:
 * text through UTF-8 encoding, and the ASCII pieces (ids, uuids, E.164 numbers, fixed columns)
 * byte by byte or as prepared bytes, which avoids a `Buffer#write` call (and a string) for each.
 *
 * @example
 * ```ts
 * const out = new CopyBuffer(1024);
 * out.integer(42); out.ascii('\t+12125550100'); out.write('\tZoë\n');
 * out.bytes(); // <Buffer 34 32 09 2b ...>
 * ```
 */
export class CopyBuffer {
  #buffer: Buffer;
  #length = 0;

  constructor(initialBytes: number) {
    this.#buffer = Buffer.allocUnsafe(Math.max(initialBytes, 1024));
  }

  get length(): number {
    return this.#length;
  }

  clear(): void {
    this.#length = 0;
  }

  /** Any text, as UTF-8. */
  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    this.#reserve(text.length * 3);
    this.#length += this.#buffer.write(text, this.#length, 'utf8');
  }

  /** Text that is usually ASCII: copied byte by byte (anything else goes through {@link write}). */
  ascii(text: string): void {
    const length = text.length;
    this.#reserve(length);
    const buffer = this.#buffer;
    const at = this.#length;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127) {
        this.write(text.slice(i));
        return;
      }
      buffer[at + i] = code;
      this.#length = at + i + 1;
    }
  }

  /** A non-negative safe integer in decimal. */
  integer(value: number): void {
    this.#reserve(16);
    const buffer = this.#buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    let rest = value;
    for (let i = this.#length + digits - 1; i >= this.#length; i--) {
      buffer[i] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.#length += digits;
  }

  /** Prepared bytes, or a range of another buffer. */
  raw(source: Uint8Array, start = 0, end = source.length): void {
    this.#reserve(end - start);
    this.#buffer.set(start === 0 && end === source.length ? source : source.subarray(start, end), this.#length);
    this.#length += end - start;
  }

  /** What was written so far (a view, valid until the next write or clear). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}
