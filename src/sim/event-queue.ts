/**
 * A binary min-heap of simulator events kept in parallel typed arrays (no object per event).
 * Ordered by time, then by insertion order, so runs are reproducible. Each event carries a small
 * integer `kind`, a `ref` (call or agent slot) and a `gen` (generation, to drop stale events).
 *
 * @example
 * ```ts
 * const q = new EventQueue();
 * q.push(1500, KIND_ANSWER, callSlot, gen);
 * while (q.size > 0) { q.pop(); handle(q.topTime, q.topKind, q.topRef, q.topGen); }
 * ```
 */
export class EventQueue {
  #time: Float64Array;
  #seq: Float64Array;
  #kind: Uint8Array;
  #ref: Int32Array;
  #gen: Int32Array;
  #size = 0;
  #nextSeq = 0;
  /** Fields of the event `pop()` last removed. */
  topTime = 0;
  topKind = 0;
  topRef = 0;
  topGen = 0;

  constructor(initialCapacity = 1024) {
    this.#time = new Float64Array(initialCapacity);
    this.#seq = new Float64Array(initialCapacity);
    this.#kind = new Uint8Array(initialCapacity);
    this.#ref = new Int32Array(initialCapacity);
    this.#gen = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Time of the next event (Infinity when empty). */
  peekTime(): number {
    return this.#size > 0 ? (this.#time[0] ?? Infinity) : Infinity;
  }

  push(time: number, kind: number, ref: number, gen: number): void {
    if (this.#size === this.#time.length) this.#grow();
    const seq = this.#nextSeq++;
    let i = this.#size++;
    const t = this.#time;
    const s = this.#seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = t[p] ?? 0;
      if (pt < time || (pt === time && (s[p] ?? 0) < seq)) break;
      this.#move(p, i);
      i = p;
    }
    t[i] = time;
    s[i] = seq;
    this.#kind[i] = kind;
    this.#ref[i] = ref;
    this.#gen[i] = gen;
  }

  /** Removes the earliest event into `topTime`, `topKind`, `topRef`, `topGen`; false when empty. */
  pop(): boolean {
    if (this.#size === 0) return false;
    const t = this.#time;
    const s = this.#seq;
    this.topTime = t[0] ?? 0;
    this.topKind = this.#kind[0] ?? 0;
    this.topRef = this.#ref[0] ?? 0;
    this.topGen = this.#gen[0] ?? 0;
    const last = --this.#size;
    if (last === 0) return true;
    const lt = t[last] ?? 0;
    const ls = s[last] ?? 0;
    const lk = this.#kind[last] ?? 0;
    const lr = this.#ref[last] ?? 0;
    const lg = this.#gen[last] ?? 0;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (r < last) {
        const rt = t[r] ?? 0;
        const ltm = t[l] ?? 0;
        if (rt < ltm || (rt === ltm && (s[r] ?? 0) < (s[l] ?? 0))) c = r;
      }
      const ct = t[c] ?? 0;
      if (lt < ct || (lt === ct && ls < (s[c] ?? 0))) break;
      this.#move(c, i);
      i = c;
    }
    t[i] = lt;
    s[i] = ls;
    this.#kind[i] = lk;
    this.#ref[i] = lr;
    this.#gen[i] = lg;
    return true;
  }

  #move(from: number, to: number): void {
    this.#time[to] = this.#time[from] ?? 0;
    this.#seq[to] = this.#seq[from] ?? 0;
    this.#kind[to] = this.#kind[from] ?? 0;
    this.#ref[to] = this.#ref[from] ?? 0;
    this.#gen[to] = this.#gen[from] ?? 0;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, (k) => new Float64Array(k));
    this.#seq = grow(this.#seq, (k) => new Float64Array(k));
    this.#kind = grow(this.#kind, (k) => new Uint8Array(k));
    this.#ref = grow(this.#ref, (k) => new Int32Array(k));
    this.#gen = grow(this.#gen, (k) => new Int32Array(k));
  }
}
