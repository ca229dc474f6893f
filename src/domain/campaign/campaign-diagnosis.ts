/**
 * "Campaign active, agents ready, nothing dials": the facts a manager needs, and what they mean.
 * Pure: the adapters gather the facts, this decides what to say, most blocking first.
 */
export interface CampaignFacts {
  status: 'draft' | 'running' | 'paused' | 'stopped';
  /** Whether this node runs the campaign (its pacing figures below are then present). */
  runningHere: boolean;
  agentsByState: Readonly<Record<string, number>>;
  leadsByStatus: Readonly<Record<string, number>>;
  /** Leads the hopper would lease now. */
  dueNow: number;
  /** The next time a scheduled retry or callback comes due (epoch ms), if any. */
  nextDueAtMs: number | null;
  /** Dials the compliance gate blocked recently, by reason (`dnc`, `outside_calling_hours`, ...). */
  recentBlocked: Readonly<Record<string, number>>;
  recentWindowMin: number;
  /** Numbers of leads still to dial whose zone is ambiguous or unknown. */
  unresolvedZoneNumbers: number;
  unknownZonePolicy: 'deny' | 'campaign_zone' | 'strictest';
  /** The pacing engine's last reason (`budget_spent_progressive`, `no_agents`, ...), when running here. */
  pacingReason: string | null;
  liveCalls: number;
}

export type DiagnosisCode =
  | 'not_running'
  | 'not_running_here'
  | 'no_agents_ready'
  | 'no_due_leads'
  | 'list_exhausted'
  | 'blocked_outside_calling_hours'
  | 'blocked_dnc'
  | 'blocked_attempt_limits'
  | 'blocked_unknown_time_zone'
  | 'unresolved_zones_denied'
  | 'abandon_budget_spent'
  | 'dialing';

export interface Finding {
  code: DiagnosisCode;
  /** `blocking`: nothing dials until it changes; `warning`: dials fewer; `info`: context. */
  severity: 'blocking' | 'warning' | 'info';
  message: string;
}

const TO_DIAL = ['new', 'scheduled', 'callback', 'leased', 'in_call'];

/**
 * @example
 * ```ts
 * diagnoseCampaign({ ...facts, agentsByState: { paused: 3 } })[0];
 * // { code: 'no_agents_ready', severity: 'blocking', message: 'No agent is ready: 3 paused, 0 logged in otherwise.' }
 * ```
 */
export function diagnoseCampaign(f: CampaignFacts): Finding[] {
  const out: Finding[] = [];
  const n = (r: Readonly<Record<string, number>>, k: string): number => r[k] ?? 0;
  if (f.status !== 'running') out.push({ code: 'not_running', severity: 'blocking', message: `The campaign is ${f.status}: start it to dial.` });
  else if (!f.runningHere) out.push({ code: 'not_running_here', severity: 'info', message: 'The campaign runs on another node (or is being taken over): its live figures are there.' });

  const ready = n(f.agentsByState, 'ready');
  const busy = n(f.agentsByState, 'reserved') + n(f.agentsByState, 'on_call') + n(f.agentsByState, 'wrap_up');
  if (ready === 0 && busy === 0) {
    out.push({ code: 'no_agents_ready', severity: 'blocking', message: `No agent is ready: ${n(f.agentsByState, 'paused')} paused, ${n(f.agentsByState, 'logged_out')} logged out.` });
  }

  const toDial = TO_DIAL.reduce((s, k) => s + n(f.leadsByStatus, k), 0);
  if (toDial === 0) {
    out.push({ code: 'list_exhausted', severity: 'blocking', message: `No lead is left to dial: ${n(f.leadsByStatus, 'done')} done, ${n(f.leadsByStatus, 'exhausted')} exhausted, ${n(f.leadsByStatus, 'dnc')} on a DNC list. Load more leads.` });
  } else if (f.dueNow === 0) {
    const next = f.nextDueAtMs === null ? 'no retry or callback is scheduled' : `the next one is due at ${new Date(f.nextDueAtMs).toISOString()}`;
    out.push({ code: 'no_due_leads', severity: 'blocking', message: `No lead is due now (${toDial} still to dial later): ${next}.` });
  }

  const blocked = (reason: string): number => n(f.recentBlocked, reason);
  const w = `in the last ${f.recentWindowMin} min`;
  if (blocked('outside_calling_hours') > 0) out.push({ code: 'blocked_outside_calling_hours', severity: 'warning', message: `${blocked('outside_calling_hours')} dials were held ${w} because the callee's local time is outside the calling hours.` });
  if (blocked('dnc') > 0) out.push({ code: 'blocked_dnc', severity: 'info', message: `${blocked('dnc')} numbers were on a DNC list ${w} and will not be dialed.` });
  const limits = blocked('attempt_limit_lead') + blocked('attempt_limit_number');
  if (limits > 0) out.push({ code: 'blocked_attempt_limits', severity: 'info', message: `${limits} leads or numbers reached their attempt limit ${w}.` });
  if (blocked('unknown_time_zone') > 0) out.push({ code: 'blocked_unknown_time_zone', severity: 'warning', message: `${blocked('unknown_time_zone')} dials were refused ${w} because the number's time zone is not known.` });
  if (f.unresolvedZoneNumbers > 0 && f.unknownZonePolicy === 'deny') {
    out.push({ code: 'unresolved_zones_denied', severity: 'warning', message: `${f.unresolvedZoneNumbers} numbers still to dial have no single time zone (ambiguous or unknown) and unknownZonePolicy 'deny' never dials them: add a ZIP or timezone column, or choose 'strictest' / 'campaign_zone'.` });
  }
  if (f.pacingReason !== null && f.pacingReason.startsWith('budget_spent')) {
    out.push({ code: 'abandon_budget_spent', severity: 'warning', message: "The abandon budget of the legal window is spent: pacing dials one line per ready agent until it recovers." });
  }
  if (out.every((x) => x.severity !== 'blocking')) out.unshift({ code: 'dialing', severity: 'info', message: `Nothing blocks dialing: ${f.dueNow} leads due, ${ready} agents ready, ${f.liveCalls} calls live.` });
  return out;
}
