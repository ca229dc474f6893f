/** One stored dial-decision row as the verifier sees it. */
export interface TrailRecord {
  campaignId: string;
  seq: string;
  prevHash: string;
  hash: string;
}

/** What is wrong with the first broken record of a chain. */
export type TrailBreakKind = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'seq_out_of_order';

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
 * prev-hash mismatch), reordered ones (seq order, prev-hash mismatch). The first break per campaign
 * is reported; the chain's later records are not checked.
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
  readonly #chains = new Map<string, ChainSummary & { broken: boolean; expectedPrev: string; nextSeq: bigint }>();
  readonly #breaks: TrailBreak[] = [];

  constructor(genesisHash: string, recompute: (record: R, prevHash: string) => string) {
    this.#genesis = genesisHash;
    this.#recompute = recompute;
  }

  add(record: R): void {
    let chain = this.#chains.get(record.campaignId);
    if (chain === undefined) {
      chain = { campaignId: record.campaignId, records: 0, lastSeq: null, headHash: null, broken: false, expectedPrev: this.#genesis, nextSeq: 1n };
      this.#chains.set(record.campaignId, chain);
    }
    chain.records += 1;
    if (chain.broken) return;
    const fail = (kind: TrailBreakKind, detail: string): void => {
      chain.broken = true;
      this.#breaks.push({ campaignId: record.campaignId, seq: record.seq, kind, detail });
    };
    const seq = BigInt(record.seq);
    if (seq < chain.nextSeq) return fail('seq_out_of_order', `seq ${record.seq} appears after seq ${chain.lastSeq ?? '(none)'}: records reordered or duplicated`);
    if (seq > chain.nextSeq) return fail('seq_gap', `expected seq ${chain.nextSeq.toString()}, found ${record.seq}: record(s) deleted`);
    if (record.prevHash !== chain.expectedPrev) {
      return fail('prev_hash_mismatch', `prev_hash does not match the hash of the record before it: a record before it was deleted, reordered or rewritten`);
    }
    const expected = this.#recompute(record, chain.expectedPrev);
    if (expected !== record.hash) return fail('hash_mismatch', 'record content does not match its hash: the record was edited');
    chain.expectedPrev = record.hash;
    chain.nextSeq = seq + 1n;
    chain.lastSeq = record.seq;
    chain.headHash = record.hash;
  }

  result(): { chains: ChainSummary[]; breaks: TrailBreak[] } {
    const chains = [...this.#chains.values()].map(({ campaignId, records, lastSeq, headHash }) => ({ campaignId, records, lastSeq, headHash }));
    return { chains, breaks: [...this.#breaks] };
  }
}
