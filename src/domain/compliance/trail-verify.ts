/** One stored dial-decision row as the verifier sees it. */
export interface TrailRecord {
  campaignId: string;
  seq: string;
  prevHash: string;
  hash: string;
}

/** What is wrong with a broken record of a chain. */
/** `truncated`, `anchor_mismatch` and `anchor_forged` come from the exported chain heads (trail-anchor.ts). */
export type TrailBreakKind = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'seq_out_of_order' | 'truncated' | 'anchor_mismatch' | 'anchor_forged';

export interface TrailBreak {
  campaignId: string;
  seq: string;
  kind: TrailBreakKind;
  /** A sentence for the operator, e.g. "record content does not match its hash (edited)". */
  detail: string;
}

export interface ChainSummary {
  campaignId: string;
  records: number;
  lastSeq: string | null;
  headHash: string | null;
}

/**
 * Verifies hash chains record by record (records of one campaign must arrive consecutively, in stored
 * `seq` order). `recompute(record, prevHash)` returns the hash the record's content should have given
 * the hash of the record before it. Detects edited records (hash mismatch), deleted ones (seq gap, or
 * prev-hash mismatch), reordered ones (seq order, prev-hash mismatch). Every break is reported:
 * after one, checking resumes from the broken record (its stored hash and seq become the chain's
 * expectation), so a second edit further on is reported too.
 *
 * @example
 * ```ts
 * const v = new TrailVerifier(GENESIS_HASH, (r, prev) => decisionHash(prev, r.seq, toDecision(r)));
 * for await (const r of rows) v.add(r);
 * const { chains, breaks } = v.result();
 * ```
 */
export class TrailVerifier<R extends TrailRecord> {
  readonly #genesis: string;
  readonly #recompute: (record: R, prevHash: string) => string;
  readonly #chains = new Map<string, ChainSummary & { expectedPrev: string; nextSeq: bigint }>();
  readonly #breaks: TrailBreak[] = [];

  constructor(genesisHash: string, recompute: (record: R, prevHash: string) => string) {
    this.#genesis = genesisHash;
    this.#recompute = recompute;
  }

  add(record: R): void {
    let chain = this.#chains.get(record.campaignId);
    if (chain === undefined) {
      chain = { campaignId: record.campaignId, records: 0, lastSeq: null, headHash: null, expectedPrev: this.#genesis, nextSeq: 1n };
      this.#chains.set(record.campaignId, chain);
    }
    chain.records += 1;
    const seq = BigInt(record.seq);
    const breakKind = this.#check(chain, record, seq);
    if (breakKind !== undefined) this.#breaks.push({ campaignId: record.campaignId, seq: record.seq, kind: breakKind.kind, detail: breakKind.detail });
    // Resume from this record whatever it was: later breaks are independent findings.
    if (seq >= chain.nextSeq) {
      chain.expectedPrev = record.hash;
      chain.nextSeq = seq + 1n;
      chain.lastSeq = record.seq;
      chain.headHash = record.hash;
    }
  }

  #check(chain: { lastSeq: string | null; expectedPrev: string; nextSeq: bigint }, record: R, seq: bigint): { kind: TrailBreakKind; detail: string } | undefined {
    if (seq < chain.nextSeq) return { kind: 'seq_out_of_order', detail: `seq ${record.seq} appears after seq ${chain.lastSeq ?? '(none)'}: records reordered or duplicated` };
    if (seq > chain.nextSeq) return { kind: 'seq_gap', detail: `expected seq ${chain.nextSeq.toString()}, found ${record.seq}: record(s) deleted` };
    if (record.prevHash !== chain.expectedPrev) {
      return { kind: 'prev_hash_mismatch', detail: 'prev_hash does not match the hash of the record before it: a record before it was deleted, reordered or rewritten' };
    }
    if (this.#recompute(record, chain.expectedPrev) !== record.hash) return { kind: 'hash_mismatch', detail: 'record content does not match its hash: the record was edited' };
    return undefined;
  }

  result(): { chains: ChainSummary[]; breaks: TrailBreak[] } {
    const chains = [...this.#chains.values()].map(({ campaignId, records, lastSeq, headHash }) => ({ campaignId, records, lastSeq, headHash }));
    return { chains, breaks: [...this.#breaks] };
  }
}
