/** One dial decision of a campaign's hash-chained trail (placed or blocked), as the actor makes it. */
export interface DialDecision {
  campaignId: string;
  decidedAtMs: number;
  leadId: string | null;
  phone: string | null;
  attemptId: string | null;
  decision: 'placed' | 'blocked';
  reason: string | null;
  /** Everything the decision rested on: DNC lists checked with versions, zone and source, local time, rule, pacing state. */
  inputs: Record<string, unknown>;
}
