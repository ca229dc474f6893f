import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../src/domain/call/call-outcome.ts';
import type { CallRecordPatch } from '../../src/domain/call/call-session.ts';
import type { Campaign } from '../../src/domain/campaign/campaign.ts';
import type { TimeZoneSource } from '../../src/domain/compliance/dial-gate.ts';
import type { DialBatch } from '../../src/runtime/ports/dial-store.ts';
import type { LeasedLead } from '../../src/runtime/ports/hopper-store.ts';
import type { RuntimeStores } from '../../src/runtime/ports/runtime-stores.ts';

/** What a test seeds a lead with. */
export interface LeadSeed {
  phones: readonly { e164: string; timezone?: string | null; timezoneSource?: TimeZoneSource | null }[];
  timezone?: string | null;
  timezoneSource?: TimeZoneSource;
  status?: 'new' | 'scheduled' | 'callback';
  nextAttemptAtMs?: number | null;
  callbackAgentId?: string | null;
}

export interface LeadView {
  status: string;
  attempts: number;
  nextAttemptAtMs: number | null;
  lastOutcome: string | null;
  callbackAgentId: string | null;
  leaseOwner: string | null;
  phones: { e164: string; attempts: number; dncFlagged: boolean }[];
}

export interface AttemptView {
  outcome: CallOutcome | null;
  endedAtMs: number | null;
  notDialedReason: string | null;
  answeredAtMs: number | null;
  ringingAtMs: number | null;
  abandoned: boolean;
  messagePlayed: boolean;
  disposition: string | null;
}

/** One adapter of the runtime's stores, with the seeding and inspection the contract needs. */
export interface RuntimeStoresHarness {
  stores: RuntimeStores;
  addCampaign(status: 'running' | 'paused', dncListIds?: readonly string[]): Promise<Campaign>;
  addLead(campaignId: string, seed: LeadSeed): Promise<string>;
  addDncList(scope: 'global' | 'campaign', attachTo?: readonly string[]): Promise<string>;
  /** Adds a number to a list and bumps the list's version (as the DNC service does). */
  addDncEntry(listId: string, e164: string): Promise<void>;
  addAgent(campaignId: string): Promise<string>;
  lead(leadId: string): Promise<LeadView>;
  attempt(attemptId: string): Promise<AttemptView | undefined>;
  decisions(campaignId: string): Promise<{ decision: string; reason: string | null; attemptId: string | null }[]>;
  auditActions(entityId: string): Promise<string[]>;
  dispose(): Promise<void>;
}

/** 2026-07-01 14:00 UTC. */
const T = Date.UTC(2026, 6, 1, 14, 0);
const HOUR = 3_600_000;
let serial = 0;
/** A number no other test (of this process) uses. */
const number = (): string => `+1917${String((Math.floor(Math.random() * 10_000_000) + ++serial * 7_919) % 10_000_000).padStart(7, '0')}`;

/** Leases `leadIds`' leads and commits a batch placing each (records open, leads `in_call`). */
async function place(h: RuntimeStoresHarness, campaignId: string, nodeId: string, count: number): Promise<{ leads: LeasedLead[]; attemptIds: string[] }> {
  const leads = await h.stores.hopper.lease({ campaignId, nodeId, count, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 10 });
  const batch = await h.stores.dials.commitBatch({ campaignId, nodeId, numbers: leads.map((l) => l.phoneE164) }, () => batchPlacing(campaignId, nodeId, leads));
  return { leads, attemptIds: batch.attempts.map((a) => a.id) };
}

function batchPlacing(campaignId: string, nodeId: string, leads: readonly LeasedLead[]): DialBatch {
  const attempts = leads.map((l) => ({ id: randomUUID(), campaignId, leadId: l.leadId, phone: l.phoneE164, callerId: '+12125550199', timezone: l.timezone, localTimeAtDial: '10:00', dncListsChecked: [], nodeId }));
  return {
    trail: attempts.map((a) => ({ campaignId, decidedAtMs: T, leadId: a.leadId, phone: a.phone, attemptId: a.id, decision: 'placed' as const, reason: null, inputs: {} })),
    released: [],
    attempts,
    dncFlags: [],
  };
}

const ended = (outcome: CallOutcome, extra: Partial<CallRecordPatch> = {}): CallRecordPatch => ({ originatedAtMs: T, endedAtMs: T + 30_000, outcome, abandoned: false, messagePlayed: false, ...extra });

/**
 * The contract of the dialer runtime's stores (src/runtime/ports), run against every adapter:
 * PostgreSQL (runtime-stores.postgres.test.ts) and in memory (runtime-stores.memory.test.ts).
 */
export function describeRuntimeStoresContract(name: string, makeHarness: () => Promise<RuntimeStoresHarness>): void {
  describe(`runtime stores contract: ${name}`, () => {
    let h: RuntimeStoresHarness;
    let node: string;
    beforeEach(async () => {
      h = await makeHarness();
      node = `node-${randomUUID()}`;
    });
    afterEach(() => h.dispose());

    describe('hopper', () => {
      it('leases due callbacks, then due retries (oldest first), then fresh leads; leads not due wait', async () => {
        const c = await h.addCampaign('running');
        const fresh = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const retryLate = await h.addLead(c.id, { phones: [{ e164: number() }], status: 'scheduled', nextAttemptAtMs: T - 1_000 });
        const retryEarly = await h.addLead(c.id, { phones: [{ e164: number() }], status: 'scheduled', nextAttemptAtMs: T - 60_000 });
        const callback = await h.addLead(c.id, { phones: [{ e164: number() }], status: 'callback', nextAttemptAtMs: T - 10 });
        await h.addLead(c.id, { phones: [{ e164: number() }], status: 'scheduled', nextAttemptAtMs: T + 60_000 });
        expect(await h.stores.hopper.dueCount(c.id, T)).toBe(4);
        const order: string[] = [];
        for (let i = 0; i < 5; i++) {
          const [l] = await h.stores.hopper.lease({ campaignId: c.id, nodeId: node, count: 1, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 });
          if (l !== undefined) order.push(l.leadId);
        }
        expect(order).toEqual([callback, retryEarly, retryLate, fresh]);
        expect((await h.lead(fresh)).status).toBe('leased');
        expect((await h.lead(fresh)).leaseOwner).toBe(node);
      });

      it("leases an agent's own callback only while that agent is ready", async () => {
        const c = await h.addCampaign('running');
        const agent = await h.addAgent(c.id);
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }], status: 'callback', nextAttemptAtMs: T - 10, callbackAgentId: agent });
        const req = { campaignId: c.id, nodeId: node, count: 5, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 };
        expect(await h.stores.hopper.lease(req)).toEqual([]);
        expect(await h.stores.hopper.lease({ ...req, readyAgentIds: [randomUUID()] })).toEqual([]);
        const [l] = await h.stores.hopper.lease({ ...req, readyAgentIds: [agent] });
        expect(l?.leadId).toBe(lead);
        expect(l?.callbackAgentId).toBe(agent);
      });

      it('never leases a lead twice and takes at most `count`', async () => {
        const c = await h.addCampaign('running');
        for (let i = 0; i < 7; i++) await h.addLead(c.id, { phones: [{ e164: number() }] });
        const req = { campaignId: c.id, nodeId: node, count: 3, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 };
        // Overlapping leases may each take fewer than asked (PostgreSQL skips rows another lease holds), never a lead twice.
        const batches = await Promise.all([h.stores.hopper.lease(req), h.stores.hopper.lease(req), h.stores.hopper.lease(req)]);
        for (const b of batches) expect(b.length).toBeLessThanOrEqual(3);
        const ids = batches.flat().map((l) => l.leadId);
        for (let more = await h.stores.hopper.lease(req); more.length > 0; more = await h.stores.hopper.lease(req)) ids.push(...more.map((l) => l.leadId));
        expect(ids).toHaveLength(7);
        expect(new Set(ids).size).toBe(7);
        expect(await h.stores.hopper.dueCount(c.id, T)).toBe(0);
      });

      it("dials the number with the fewest attempts, then the lowest position, under that number's own zone", async () => {
        const c = await h.addCampaign('running');
        const first = number();
        const second = number();
        const lead = await h.addLead(c.id, { timezone: 'America/New_York', timezoneSource: 'zip', phones: [{ e164: first }, { e164: second, timezone: 'Asia/Tokyo', timezoneSource: 'phone' }] });
        const req = { campaignId: c.id, nodeId: node, count: 1, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 };
        const [a] = await h.stores.hopper.lease(req);
        expect(a).toMatchObject({ leadId: lead, phoneE164: first, phonePosition: 1, timezone: 'America/New_York', timezoneSource: 'zip', leadAttempts: 0, numberAttempts: 0 });
        const batch = await h.stores.dials.commitBatch({ campaignId: c.id, nodeId: node, numbers: [first] }, () => batchPlacing(c.id, node, a === undefined ? [] : [a]));
        const attemptId = batch.attempts[0]?.id ?? '';
        await h.stores.attempts.updateMany([{ id: attemptId, patch: ended('no_answer') }]);
        await h.stores.leads.settleLeads([{ leadId: lead, status: 'scheduled', nextAttemptAtMs: T - 1, lastOutcome: 'no_answer' }]);
        const [b] = await h.stores.hopper.lease(req);
        expect(b).toMatchObject({ leadId: lead, phoneE164: second, phonePosition: 2, timezone: 'Asia/Tokyo', timezoneSource: 'phone', leadAttempts: 1, numberAttempts: 0 });
      });

      it('closes a due lead with no callable number (dnc when all are flagged, else exhausted) and leaves it out of the depth', async () => {
        const c = await h.addCampaign('running');
        const dncNumber = number();
        const dncLead = await h.addLead(c.id, { phones: [{ e164: dncNumber }] });
        const usedLead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        // A stopped dial flags the first number (reason dnc); the second lead's number reaches its limit.
        const { leads, attemptIds } = await place(h, c.id, node, 2);
        const dncAttempt = attemptIds[leads.findIndex((l) => l.leadId === dncLead)] ?? '';
        const usedAttempt = attemptIds[leads.findIndex((l) => l.leadId === usedLead)] ?? '';
        await h.stores.dials.recordNotDialed(c.id, [{ attemptId: dncAttempt, leadId: dncLead, e164: dncNumber, reason: 'dnc', nextAttemptAtMs: T, endedAtMs: T, decision: { campaignId: c.id, decidedAtMs: T, leadId: dncLead, phone: dncNumber, attemptId: dncAttempt, decision: 'blocked', reason: 'dnc', inputs: {} } }]);
        await h.stores.attempts.updateMany([{ id: usedAttempt, patch: ended('busy') }]);
        await h.stores.leads.settleLeads([{ leadId: usedLead, status: 'scheduled', nextAttemptAtMs: T, lastOutcome: 'busy' }]);
        expect(await h.stores.hopper.dueCount(c.id, T, 1)).toBe(0);
        expect(await h.stores.hopper.lease({ campaignId: c.id, nodeId: node, count: 5, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 1 })).toEqual([]);
        expect((await h.lead(dncLead)).status).toBe('dnc');
        expect((await h.lead(usedLead)).status).toBe('exhausted');
      });

      it('puts leads whose lease expired back as scheduled', async () => {
        const c = await h.addCampaign('running');
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        await h.stores.hopper.lease({ campaignId: c.id, nodeId: node, count: 1, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 });
        expect(await h.stores.hopper.reclaimExpired(T + 59_000)).toBe(0);
        expect((await h.lead(lead)).status).toBe('leased');
        expect(await h.stores.hopper.reclaimExpired(T + 61_000)).toBeGreaterThanOrEqual(1);
        expect((await h.lead(lead)).status).toBe('scheduled');
        expect((await h.lead(lead)).leaseOwner).toBeNull();
      });
    });

    describe('DNC', () => {
      it("applies global lists and the campaign's own, not another campaign's; a list's version moves with every addition", async () => {
        const other = await h.addCampaign('running');
        const global = await h.addDncList('global');
        const mine = await h.addDncList('campaign');
        const theirs = await h.addDncList('campaign', [other.id]);
        const c = await h.addCampaign('running', [mine]);
        const lists = await h.stores.dnc.listsApplyingTo(c.id);
        const ids = lists.map((l) => l.id);
        expect(ids).toContain(global);
        expect(ids).toContain(mine);
        expect(ids).not.toContain(theirs);
        expect(ids).toEqual([...ids].sort());
        const n = number();
        await h.addDncEntry(mine, n);
        const after = await h.stores.dnc.listsApplyingTo(c.id);
        expect(after.find((l) => l.id === mine)?.version).not.toBe(lists.find((l) => l.id === mine)?.version);
        expect(after.find((l) => l.id === global)?.version).toBe(lists.find((l) => l.id === global)?.version);
        await h.addDncEntry(global, n);
        const hits = await h.stores.dnc.dncHits([n, number()], [mine, global, theirs]);
        expect([...hits.keys()]).toEqual([n]);
        expect([...(hits.get(n) ?? [])].sort()).toEqual([mine, global].sort());
      });
    });

    describe('dial batch', () => {
      it('commits decisions, records, releases, lead and number marks and DNC flags together', async () => {
        const c = await h.addCampaign('running');
        const dialed = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const blocked = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const leads = await h.stores.hopper.lease({ campaignId: c.id, nodeId: node, count: 2, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 });
        const d = leads.find((l) => l.leadId === dialed);
        const b = leads.find((l) => l.leadId === blocked);
        if (d === undefined || b === undefined) throw new Error('leads not leased');
        const placed = batchPlacing(c.id, node, [d]);
        await h.stores.dials.commitBatch({ campaignId: c.id, nodeId: node, numbers: [d.phoneE164, b.phoneE164] }, () => ({
          ...placed,
          trail: [...placed.trail, { campaignId: c.id, decidedAtMs: T, leadId: blocked, phone: b.phoneE164, attemptId: null, decision: 'blocked', reason: 'dnc', inputs: {} }],
          released: [{ leadId: blocked, status: 'scheduled', nextAttemptAtMs: T + HOUR }],
          dncFlags: [{ leadId: blocked, e164: b.phoneE164 }],
        }));
        expect((await h.decisions(c.id)).map((x) => [x.decision, x.reason])).toEqual([['placed', null], ['blocked', 'dnc']]);
        expect(await h.lead(dialed)).toMatchObject({ status: 'in_call', attempts: 1, leaseOwner: null, phones: [{ attempts: 1, dncFlagged: false }] });
        expect(await h.lead(blocked)).toMatchObject({ status: 'scheduled', attempts: 0, nextAttemptAtMs: T + HOUR, leaseOwner: null, phones: [{ attempts: 0, dncFlagged: true }] });
        expect(await h.attempt(placed.attempts[0]?.id ?? '')).toMatchObject({ outcome: null, endedAtMs: null });
      });

      it('tells the plan which numbers are in a live call on any campaign', async () => {
        const shared = number();
        const a = await h.addCampaign('running');
        const b = await h.addCampaign('running');
        await h.addLead(a.id, { phones: [{ e164: shared }] });
        await h.addLead(b.id, { phones: [{ e164: shared }] });
        await place(h, a.id, node, 1);
        const leads = await h.stores.hopper.lease({ campaignId: b.id, nodeId: node, count: 1, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 });
        let seen: string[] = [];
        await h.stores.dials.commitBatch({ campaignId: b.id, nodeId: node, numbers: leads.map((l) => l.phoneE164) }, (live) => {
          seen = [...live];
          return { trail: [], released: [], attempts: [], dncFlags: [] };
        });
        expect(seen).toEqual([shared]);
      });

      it('writes nothing when the plan throws', async () => {
        const c = await h.addCampaign('running');
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const leads = await h.stores.hopper.lease({ campaignId: c.id, nodeId: node, count: 1, nowMs: T, leaseMs: 60_000, maxAttemptsPerNumber: 3 });
        await expect(h.stores.dials.commitBatch({ campaignId: c.id, nodeId: node, numbers: leads.map((l) => l.phoneE164) }, () => {
          throw new Error('plan failed');
        })).rejects.toThrow('plan failed');
        expect(await h.decisions(c.id)).toEqual([]);
        expect(await h.lead(lead)).toMatchObject({ status: 'leased', attempts: 0 });
      });

      it('closes a stopped dial as not_dialed, gives its attempt back and puts the lead back in line', async () => {
        const c = await h.addCampaign('running');
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const { leads, attemptIds } = await place(h, c.id, node, 1);
        const e164 = leads[0]?.phoneE164 ?? '';
        const attemptId = attemptIds[0] ?? '';
        await h.stores.dials.recordNotDialed(c.id, [{ attemptId, leadId: lead, e164, reason: 'campaign_paused', nextAttemptAtMs: T + 5_000, endedAtMs: T + 10, decision: { campaignId: c.id, decidedAtMs: T + 10, leadId: lead, phone: e164, attemptId, decision: 'blocked', reason: 'campaign_paused', inputs: {} } }]);
        expect(await h.attempt(attemptId)).toMatchObject({ outcome: 'not_dialed', notDialedReason: 'campaign_paused', endedAtMs: T + 10 });
        expect(await h.lead(lead)).toMatchObject({ status: 'scheduled', attempts: 0, nextAttemptAtMs: T + 5_000, phones: [{ attempts: 0, dncFlagged: false }] });
        expect((await h.decisions(c.id)).map((d) => d.decision)).toEqual(['placed', 'blocked']);
        expect((await h.stores.leads.attemptCounts([lead])).get(lead)).toEqual({ lead: 0, noAnswer: 0, busy: 0, machine: 0, failed: 0 });
      });
    });

    describe('call records', () => {
      it('keeps what a patch does not know, and closes open records by node', async () => {
        const c = await h.addCampaign('running');
        for (let i = 0; i < 3; i++) await h.addLead(c.id, { phones: [{ e164: number() }] });
        const mine = await place(h, c.id, node, 2);
        const theirs = await place(h, c.id, `${node}-other`, 1);
        const [a1, a2] = mine.attemptIds;
        if (a1 === undefined || a2 === undefined) throw new Error('not placed');
        await h.stores.attempts.updateMany([{ id: a1, patch: { originatedAtMs: T, ringingAtMs: T + 1_000, abandoned: false, messagePlayed: false } }]);
        await h.stores.attempts.updateMany([{ id: a1, patch: { originatedAtMs: T, answeredAtMs: T + 5_000, outcome: 'human', abandoned: true, messagePlayed: true } }]);
        expect(await h.attempt(a1)).toMatchObject({ ringingAtMs: T + 1_000, answeredAtMs: T + 5_000, outcome: 'human', abandoned: true, messagePlayed: true, endedAtMs: null });
        expect((await h.stores.attempts.closeOrphans(node, T + HOUR)).sort()).toEqual([a1, a2].sort());
        expect(await h.attempt(a1)).toMatchObject({ outcome: 'human', endedAtMs: T + HOUR });
        expect(await h.attempt(a2)).toMatchObject({ outcome: 'unknown', endedAtMs: T + HOUR });
        expect(await h.attempt(theirs.attemptIds[0] ?? '')).toMatchObject({ endedAtMs: null });
        expect(await h.stores.attempts.closeOpenOfOtherNodes(c.id, `${node}-other`, T + HOUR)).toEqual([]);
        expect(await h.stores.attempts.closeOpenOfOtherNodes(c.id, node, T + HOUR)).toEqual(theirs.attemptIds);
        expect(await h.stores.attempts.closeOrphans(node, T + 2 * HOUR)).toEqual([]);
      });

      it('finds a record, and sets its disposition audited; a do-not-call code puts the number on the list once', async () => {
        const c = await h.addCampaign('running');
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const { leads, attemptIds } = await place(h, c.id, node, 1);
        const id = attemptIds[0] ?? '';
        expect(await h.stores.attempts.callById(id)).toEqual({ id, campaignId: c.id, leadId: lead, agentId: null, disposition: null });
        expect(await h.stores.attempts.callById(randomUUID())).toBeUndefined();
        const list = await h.addDncList('campaign', []);
        const before = (await h.stores.dnc.dncHits([leads[0]?.phoneE164 ?? ''], [list])).size;
        expect(before).toBe(0);
        expect(await h.stores.attempts.setDisposition(id, { code: 'DNC', note: 'asked', callbackAtMs: null }, { actorKeyId: null, actorRole: 'agent', addToDnc: list })).toEqual({ addedToDnc: true });
        expect(await h.stores.attempts.setDisposition(id, { code: 'DNC', note: null, callbackAtMs: null }, { actorKeyId: null, actorRole: 'supervisor', addToDnc: list })).toEqual({ addedToDnc: false });
        expect((await h.stores.dnc.dncHits([leads[0]?.phoneE164 ?? ''], [list])).size).toBe(1);
        expect((await h.stores.attempts.callById(id))?.disposition).toBe('DNC');
        expect(await h.auditActions(id)).toEqual(['call.disposition', 'call.disposition']);
      });

      it("counts live answers, their abandons and the AMD's passed humans per minute of the call's end", async () => {
        const c = await h.addCampaign('running');
        for (let i = 0; i < 5; i++) await h.addLead(c.id, { phones: [{ e164: number() }] });
        const { attemptIds } = await place(h, c.id, node, 5);
        const [a, b, m, old, amd] = attemptIds;
        await h.stores.attempts.updateMany([
          { id: a ?? '', patch: ended('human', { answeredAtMs: T + 1_000, endedAtMs: T + 50_000 }) },
          { id: b ?? '', patch: ended('human', { answeredAtMs: T + 2_000, endedAtMs: T + 10_000, abandoned: true, messagePlayed: true }) },
          { id: m ?? '', patch: ended('machine', { answeredAtMs: T + 3_000, endedAtMs: T + 20_000 }) },
          { id: old ?? '', patch: ended('human', { answeredAtMs: T - HOUR, endedAtMs: T - HOUR + 60_000 }) },
          { id: amd ?? '', patch: ended('human', { answeredAtMs: T + 60_000, endedAtMs: T + 90_000, amdResult: 'human' }) },
        ]);
        const hist = await h.stores.attempts.abandonHistory(c.id, T - 1);
        expect(hist).toEqual([{ atMs: T, liveAnswers: 2, abandoned: 1, amdPassedHumans: 0 }, { atMs: T + 60_000, liveAnswers: 1, abandoned: 0, amdPassedHumans: 1 }]);
      });
    });

    describe('lead bookkeeping', () => {
      it('counts attempts by retry class; unknown and not-dialed records count in none', async () => {
        const c = await h.addCampaign('running');
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        // A live answer that reached an agent counts in no class; an abandoned one counts as no answer.
        const outcomes: [CallOutcome, boolean][] = [['busy', false], ['no_answer', false], ['unknown', false], ['failed', false], ['human', false], ['human', true], ['machine', false]];
        for (const [o, abandoned] of outcomes) {
          const { attemptIds } = await place(h, c.id, node, 1);
          await h.stores.attempts.updateMany([{ id: attemptIds[0] ?? '', patch: ended(o, { abandoned }) }]);
          await h.stores.leads.settleLeads([{ leadId: lead, status: 'scheduled', nextAttemptAtMs: T - 1, lastOutcome: o }]);
        }
        expect((await h.stores.leads.attemptCounts([lead])).get(lead)).toEqual({ lead: 7, noAnswer: 2, busy: 1, machine: 1, failed: 1 });
        await h.stores.leads.giveBackAttempts([{ leadId: lead, e164: (await h.lead(lead)).phones[0]?.e164 ?? '' }]);
        expect(await h.lead(lead)).toMatchObject({ attempts: 6, phones: [{ attempts: 6 }] });
        expect(await h.lead(lead)).toMatchObject({ status: 'scheduled', lastOutcome: 'machine', nextAttemptAtMs: T - 1 });
      });

      it('never takes an attempt back below zero', async () => {
        const c = await h.addCampaign('running');
        const e164 = number();
        const lead = await h.addLead(c.id, { phones: [{ e164 }] });
        await h.stores.leads.giveBackAttempts([{ leadId: lead, e164 }]);
        expect(await h.lead(lead)).toMatchObject({ attempts: 0, phones: [{ attempts: 0 }] });
      });

      it('schedules a callback owned by an agent, and finds the leads still in a call behind closed records', async () => {
        const c = await h.addCampaign('running');
        const agent = await h.addAgent(c.id);
        const lead = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const other = await h.addLead(c.id, { phones: [{ e164: number() }] });
        const { leads, attemptIds } = await place(h, c.id, node, 2);
        const closed = await h.stores.attempts.closeOrphans(node, T + 1);
        const found = await h.stores.leads.inCallLeadsOf(closed);
        expect(found.map((f) => f.leadId).sort()).toEqual([lead, other].sort());
        expect(found.find((f) => f.leadId === lead)).toMatchObject({ campaignId: c.id, outcome: 'unknown', abandoned: false, phone: leads.find((l) => l.leadId === lead)?.phoneE164 });
        await h.stores.leads.settleLead(lead, { status: 'callback', nextAttemptAtMs: T + HOUR, lastOutcome: 'human', callbackAgentId: agent });
        expect(await h.lead(lead)).toMatchObject({ status: 'callback', nextAttemptAtMs: T + HOUR, callbackAgentId: agent });
        expect((await h.stores.leads.inCallLeadsOf(attemptIds)).map((f) => f.leadId)).toEqual([other]);
      });
    });

    describe('agents and campaigns', () => {
      it("stores an agent's state in order; unknown agents are undefined", async () => {
        const c = await h.addCampaign('running');
        const agent = await h.addAgent(c.id);
        expect(await h.stores.agents.find(agent)).toEqual({ id: agent, campaignId: c.id, state: 'logged_out', sipContact: null });
        await h.stores.agents.saveState(agent, 'paused', 'break', T);
        await h.stores.agents.saveState(agent, 'ready', null, T + 1);
        expect((await h.stores.agents.find(agent))?.state).toBe('ready');
        expect(await h.stores.agents.find(randomUUID())).toBeUndefined();
      });

      it('lists running campaigns and loads their settings', async () => {
        const running = await h.addCampaign('running');
        const paused = await h.addCampaign('paused');
        const ids = await h.stores.campaigns.runningIds();
        expect(ids).toContain(running.id);
        expect(ids).not.toContain(paused.id);
        expect((await h.stores.campaigns.load(paused.id))?.status).toBe('paused');
        expect(await h.stores.campaigns.load(randomUUID())).toBeUndefined();
      });
    });
  });
}
