import type { TrailBreak } from './trail-verify.ts';

/**
 * A chain head recorded outside the database (`pacer audit anchor`): the campaign's trail had at
 * least `seq` records and record `seq` had `hash` at `anchoredAtMs`. Whoever can rewrite the trail
 * table cannot rewrite an anchor (it is signed with a key the service does not store), so a trail
 * cut back or rebuilt after the anchor shows.
 */
export interface TrailAnchor {
  campaignId: string;
  seq: string;
  hash: string;
  anchoredAtMs: number;
}

/** What the trail holds where an anchor points: its last seq, and the stored hash at the anchored seq. */
export interface AnchoredChainState {
  lastSeq: string | null;
  hashAtSeq: string | undefined;
}

/**
 * Checks each campaign's newest anchor against the stored trail: fewer records than anchored is
 * `truncated`, another hash at the anchored seq is `anchor_mismatch` (the chain was rebuilt).
 *
 * @example
 * ```ts
 * const breaks = checkAnchors(anchors, (campaignId, seq) => stateOf(campaignId, seq));
 * ```
 */
export function checkAnchors(anchors: readonly TrailAnchor[], stateOf: (campaignId: string, seq: string) => AnchoredChainState): TrailBreak[] {
  const breaks: TrailBreak[] = [];
  for (const a of newestPerCampaign(anchors)) {
    const state = stateOf(a.campaignId, a.seq);
    const anchoredAt = new Date(a.anchoredAtMs).toISOString();
    if (state.lastSeq === null || BigInt(state.lastSeq) < BigInt(a.seq)) {
      breaks.push({ campaignId: a.campaignId, seq: a.seq, kind: 'truncated', detail: `the trail ends at seq ${state.lastSeq ?? '(none)'} but had seq ${a.seq} at ${anchoredAt}: its newest records were deleted` });
    } else if (state.hashAtSeq !== a.hash) {
      breaks.push({ campaignId: a.campaignId, seq: a.seq, kind: 'anchor_mismatch', detail: `record ${a.seq} does not have the hash anchored at ${anchoredAt}: the chain was rewritten` });
    }
  }
  return breaks;
}

/** The anchor with the highest seq of each campaign (later anchors supersede earlier ones). */
export function newestPerCampaign(anchors: readonly TrailAnchor[]): TrailAnchor[] {
  const newest = new Map<string, TrailAnchor>();
  for (const a of anchors) {
    const seen = newest.get(a.campaignId);
    if (seen === undefined || BigInt(a.seq) >= BigInt(seen.seq)) newest.set(a.campaignId, a);
  }
  return [...newest.values()];
}
