import { createMemoryRuntimeStores } from '../../src/adapters/memory/create-memory-runtime-stores.ts';
import { describeRuntimeStoresContract } from './runtime-stores.contract.ts';
import { campaignOf } from '../integration/runtime/support/runtime-fixture.ts';
import { randomUUID } from 'node:crypto';

describeRuntimeStoresContract('in memory', () => {
  const { stores, data } = createMemoryRuntimeStores({ clock: { nowMs: () => Date.now() } });
  return Promise.resolve({
    stores,
    addCampaign: (status, dncListIds = []) => {
      const c = campaignOf(randomUUID(), { status, dncListIds: [...dncListIds] });
      data.addCampaign(c);
      return Promise.resolve(c);
    },
    addLead: (campaignId, seed) => Promise.resolve(data.addLead(campaignId, seed)),
    addDncList: (scope, attachTo = []) => Promise.resolve(data.addDncList(scope, attachTo)),
    addDncEntry: (listId, e164) => {
      data.addDncEntry(listId, e164);
      return Promise.resolve();
    },
    addAgent: (campaignId) => Promise.resolve(data.addAgent(campaignId)),
    lead: (leadId) => {
      const l = data.lead(leadId);
      return Promise.resolve({
        status: l.status, attempts: l.attempts, nextAttemptAtMs: l.nextAttemptAtMs, lastOutcome: l.lastOutcome, callbackAgentId: l.callbackAgentId, leaseOwner: l.leaseOwner,
        phones: l.phones.map((p) => ({ e164: p.e164, attempts: p.attempts, dncFlagged: p.dncFlagged })),
      });
    },
    attempt: (id) => {
      const a = data.attempts.get(id);
      return Promise.resolve(a === undefined ? undefined : {
        outcome: a.outcome, endedAtMs: a.endedAtMs, notDialedReason: a.notDialedReason, answeredAtMs: a.answeredAtMs, ringingAtMs: a.ringingAtMs,
        abandoned: a.abandoned, messagePlayed: a.messagePlayed, disposition: a.disposition,
      });
    },
    decisions: (campaignId) => Promise.resolve((data.decisions.get(campaignId) ?? []).map((d) => ({ decision: d.decision, reason: d.reason, attemptId: d.attemptId }))),
    auditActions: (entityId) => Promise.resolve(data.audit.filter((e) => e.entityId === entityId).map((e) => e.action)),
    dispose: () => Promise.resolve(),
  });
});
