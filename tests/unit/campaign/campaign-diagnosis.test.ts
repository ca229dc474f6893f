import { describe, expect, it } from 'vitest';
import { diagnoseCampaign, type CampaignFacts } from '../../../src/domain/campaign/campaign-diagnosis.ts';

const healthy: CampaignFacts = {
  status: 'running', runningHere: true, agentsByState: { ready: 3, on_call: 2 }, leadsByStatus: { new: 100, done: 5 }, dueNow: 100, nextDueAtMs: null,
  recentBlocked: {}, recentWindowMin: 15, unresolvedZoneNumbers: 0, unknownZonePolicy: 'deny', pacingReason: 'model', liveCalls: 4,
};
const codes = (f: CampaignFacts) => diagnoseCampaign(f).map((x) => `${x.severity}:${x.code}`);

describe('diagnoseCampaign', () => {
  it('says nothing blocks a healthy campaign', () => {
    expect(codes(healthy)).toEqual(['info:dialing']);
  });

  it('names every blocking cause, most blocking first', () => {
    expect(codes({ ...healthy, status: 'paused' })).toEqual(['blocking:not_running']);
    expect(codes({ ...healthy, agentsByState: { paused: 2, logged_out: 1 } })).toEqual(['blocking:no_agents_ready']);
    expect(diagnoseCampaign({ ...healthy, agentsByState: { paused: 2, logged_out: 1 } })[0]?.message).toBe('No agent is ready: 2 paused, 1 logged out.');
    // Agents busy on calls are not "none ready".
    expect(codes({ ...healthy, agentsByState: { on_call: 3 } })).toEqual(['info:dialing']);
    expect(codes({ ...healthy, leadsByStatus: { done: 10, exhausted: 3, dnc: 1 }, dueNow: 0 })).toEqual(['blocking:list_exhausted']);
    const later = diagnoseCampaign({ ...healthy, leadsByStatus: { scheduled: 40 }, dueNow: 0, nextDueAtMs: Date.UTC(2026, 11, 7, 15, 0) });
    expect(later[0]).toMatchObject({ code: 'no_due_leads', severity: 'blocking' });
    expect(later[0]?.message).toContain('2026-12-07T15:00:00.000Z');
  });

  it('warns of held dials, zones the deny policy never dials, and a spent abandon budget', () => {
    const f = { ...healthy, recentBlocked: { outside_calling_hours: 12, dnc: 3, attempt_limit_number: 2 }, unresolvedZoneNumbers: 130, pacingReason: 'budget_spent_progressive' };
    expect(codes(f)).toEqual(['info:dialing', 'warning:blocked_outside_calling_hours', 'info:blocked_dnc', 'info:blocked_attempt_limits', 'warning:unresolved_zones_denied', 'warning:abandon_budget_spent']);
    // Under 'strictest' the ambiguous numbers are dialed within every candidate zone's hours: no warning.
    expect(codes({ ...f, unknownZonePolicy: 'strictest' })).not.toContain('warning:unresolved_zones_denied');
  });
});
