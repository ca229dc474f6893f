/** E.164 allows at most 15 digits, so every number is an integer below 2^53: exact as a double. */
const MAX_E164_DIGITS = 15;
const MAX_LOAD = 0.7;

/**
 * A set of E.164 numbers for bulk imports. `+` followed by 1-15 digits (first digit non-zero) is
 * kept as a double in an open-addressing table (8 bytes a slot, no object per number), about 6x
 * less memory and much less GC work than a `Set<string>` of a million numbers; anything else is
 * kept verbatim in a plain `Set<string>`, so membership is exactly string equality either way.
 *
 * @example
 * ```ts
 * const seen = new PhoneNumberSet();
 * seen.add('+12125550100'); // true (new)
 * seen.add('+12125550100'); // false (already there)
 * seen.has('+12125550101'); // false
 * ```
 */
export class PhoneNumberSet {
  #slots: Float64Array;
  #mask: number;
  #packed = 0;
  readonly #other = new Set<string>();

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.#slots = new Float64Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#packed + this.#other.size;
  }

  has(e164: string): boolean {
    const key = packE164(e164);
    return key === 0 ? this.#other.has(e164) : this.hasKey(key);
  }

  /**
   * The number as the set keeps it: the digits of `+<1-15 digits>` as a double, or 0 for anything
   * else. With {@link addKey} and {@link hasKey} a caller that keeps numbers as keys (no string
   * each) asks the same questions as with the strings.
   */
  static key(e164: string): number {
    return packE164(e164);
  }

  /** {@link add} of a non-zero {@link PhoneNumberSet.key}. */
  addKey(key: number): boolean {
    if (!(key > 0)) throw new RangeError(`${key} is not a phone number key`);
    if (!this.#insert(key)) return false;
    this.#packed += 1;
    if (this.#packed > this.#slots.length * MAX_LOAD) this.#grow();
    return true;
  }

  /** {@link has} of a non-zero {@link PhoneNumberSet.key}. */
  hasKey(key: number): boolean {
    if (key === 0) return false; // the empty slot
    const slots = this.#slots;
    for (let i = slotOf(key) & this.#mask; ; i = (i + 1) & this.#mask) {
      const at = slots[i];
      if (at === key) return true;
      if (at === 0 || at === undefined) return false;
    }
  }

  /** Adds the number; true when it was not in the set before. */
  add(e164: string): boolean {
    const key = packE164(e164);
    if (key === 0) {
      if (this.#other.has(e164)) return false;
      this.#other.add(e164);
      return true;
    }
    return this.addKey(key);
  }

  /** Adds every line of `text` (newline-separated numbers), without a string per number. */
  addLines(text: string): void {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start) {
        const key = packRange(text, start, end);
        if (key === 0) this.add(text.slice(start, end));
        else this.addKey(key);
      }
      start = end + 1;
    }
  }

  /** Every number in the set, in no particular order. */
  *values(): Generator<string> {
    for (const key of this.#slots) if (key !== 0) yield `+${key}`;
    yield* this.#other;
  }

  #insert(key: number): boolean {
    const slots = this.#slots;
    let i = slotOf(key) & this.#mask;
    for (;;) {
      const at = slots[i];
      if (at === key) return false;
      if (at === 0) {
        slots[i] = key;
        return true;
      }
      i = (i + 1) & this.#mask;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Float64Array(old.length * 2);
    this.#mask = this.#slots.length - 1;
    for (const key of old) if (key !== 0) this.#insert(key);
  }
}

/** The digits of `+<digits>` as a number, or 0 when the text is not that shape. */
function packE164(e164: string): number {
  return packRange(e164, 0, e164.length);
}

/** {@link packE164} of `text.slice(start, end)`. */
function packRange(text: string, start: number, end: number): number {
  if (end - start < 2 || end - start > MAX_E164_DIGITS + 1 || text.charCodeAt(start) !== 43 /* '+' */) return 0;
  let value = 0;
  for (let i = start + 1; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (i === start + 1 && digit === 0)) return 0;
    value = value * 10 + digit;
  }
  return value;
}

/** A well-mixed 32-bit hash of an integer below 2^53. */
function slotOf(key: number): number {
  const low = key % 4294967296;
  const high = (key - low) / 4294967296;
  let h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
