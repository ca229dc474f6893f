import { randomUUID } from 'node:crypto';
import type { AgentState } from '../../domain/agent/agent-roster.ts';
import type { CallOutcome } from '../../domain/call/call-outcome.ts';
import type { Campaign } from '../../domain/campaign/campaign.ts';
import type { TimeZoneSource } from '../../domain/compliance/dial-gate.ts';
import { INTERNAL_DNC_LIST_ID } from '../../domain/dnc/dnc-list.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { NewCallAttempt } from '../../runtime/ports/attempt-store.ts';
import type { DialDecision } from '../../runtime/ports/dial-decision.ts';
import type { NotDialedReason } from '../../runtime/ports/dial-store.ts';

export type MemoryLeadStatus = 'new' | 'scheduled' | 'leased' | 'in_call' | 'callback' | 'done' | 'dnc' | 'exhausted';

/** One number of a lead (`lead_phones`). */
export interface MemoryPhone {
  e164: string;
  position: number;
  attempts: number;
  dncFlagged: boolean;
  /** `null` source: the number has no zone of its own and takes the lead's. */
  timezone: string | null;
  timezoneSource: TimeZoneSource | null;
  timezoneCandidates: string[] | null;
}

/** A lead (`leads`). */
export interface MemoryLead {
  id: string;
  campaignId: string;
  status: MemoryLeadStatus;
  nextAttemptAtMs: number | null;
  attempts: number;
  callbackAgentId: string | null;
  leaseOwner: string | null;
  leaseExpiresAtMs: number | null;
  lastOutcome: string | null;
  dncFlagged: boolean;
  timezone: string | null;
  timezoneSource: TimeZoneSource;
  timezoneCandidates: string[] | null;
  phones: MemoryPhone[];
}

/** A call record (`call_attempts`). */
export interface MemoryAttempt extends Required<Omit<NewCallAttempt, 'originatedAtMs'>> {
  createdAtMs: number;
  originatedAtMs: number | null;
  ringingAtMs: number | null;
  answeredAtMs: number | null;
  greetingEndedAtMs: number | null;
  agentConnectedAtMs: number | null;
  endedAtMs: number | null;
  outcome: CallOutcome | null;
  sipCause: number | null;
  amdResult: string | null;
  amdDecisionMs: number | null;
  abandoned: boolean;
  messagePlayed: boolean;
  agentId: string | null;
  recordingPath: string | null;
  notDialedReason: NotDialedReason | null;
  disposition: string | null;
  dispositionNote: string | null;
  callbackAtMs: number | null;
}

export interface MemoryDncList {
  id: string;
  scope: 'global' | 'campaign';
  version: number;
  deleted: boolean;
  entries: Set<string>;
}

export interface MemoryAgent {
  id: string;
  campaignId: string | null;
  state: AgentState;
  stateReason: string | null;
  stateSinceMs: number;
  sipContact: string | null;
}

/** An audit entry written with a disposition. */
export interface MemoryAuditEntry {
  action: string;
  entityId: string;
  actorKeyId: string | null;
  actorRole: string | null;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  atMs: number;
}

/** What a test or the demo seeds a lead with. */
export interface MemoryLeadSeed {
  phones: readonly { e164: string; timezone?: string | null; timezoneSource?: TimeZoneSource | null }[];
  timezone?: string | null;
  timezoneSource?: TimeZoneSource;
  status?: MemoryLeadStatus;
  nextAttemptAtMs?: number | null;
  callbackAgentId?: string | null;
}

/**
 * The tables of the in-memory runtime stores, shared by the stores of one
 * `createMemoryRuntimeStores` call, with the seeding a test (or a zero-setup demo) needs. Time comes
 * from the given clock.
 *
 * @example
 * ```ts
 * const data = new MemoryRuntimeData({ clock });
 * data.addCampaign(campaign);
 * const leadId = data.addLead(campaign.id, { phones: [{ e164: '+12125550100' }], timezone: 'America/New_York', timezoneSource: 'zip' });
 * ```
 */
export class MemoryRuntimeData {
  readonly clock: Clock;
  readonly campaigns = new Map<string, { campaign: Campaign; deleted: boolean }>();
  readonly leads = new Map<string, MemoryLead>();
  readonly attempts = new Map<string, MemoryAttempt>();
  readonly dncLists = new Map<string, MemoryDncList>();
  /** Campaign id → the campaign DNC lists attached to it. */
  readonly attachedLists = new Map<string, Set<string>>();
  readonly agents = new Map<string, MemoryAgent>();
  /** Campaign id → its decision trail, in order. */
  readonly decisions = new Map<string, DialDecision[]>();
  readonly audit: MemoryAuditEntry[] = [];
  #nextLeadId = 1;

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
    this.dncLists.set(INTERNAL_DNC_LIST_ID, { id: INTERNAL_DNC_LIST_ID, scope: 'global', version: 1, deleted: false, entries: new Set() });
  }

  /** Adds or replaces a campaign (its `status` says whether it runs). */
  addCampaign(campaign: Campaign): void {
    this.campaigns.set(campaign.id, { campaign, deleted: false });
    this.attachedLists.set(campaign.id, new Set(campaign.dncListIds));
  }

  addLead(campaignId: string, seed: MemoryLeadSeed): string {
    const id = String(this.#nextLeadId++);
    this.leads.set(id, {
      id, campaignId, status: seed.status ?? 'new', nextAttemptAtMs: seed.nextAttemptAtMs ?? null, attempts: 0,
      callbackAgentId: seed.callbackAgentId ?? null, leaseOwner: null, leaseExpiresAtMs: null, lastOutcome: null, dncFlagged: false,
      timezone: seed.timezone ?? null, timezoneSource: seed.timezoneSource ?? 'unknown', timezoneCandidates: null,
      phones: seed.phones.map((p, i) => ({
        e164: p.e164, position: i + 1, attempts: 0, dncFlagged: false,
        timezone: p.timezone ?? null, timezoneSource: p.timezoneSource ?? null, timezoneCandidates: null,
      })),
    });
    return id;
  }

  addDncList(scope: 'global' | 'campaign', attachTo: readonly string[] = []): string {
    const id = randomUUID();
    this.dncLists.set(id, { id, scope, version: 1, deleted: false, entries: new Set() });
    for (const c of attachTo) this.attachedLists.set(c, new Set([...(this.attachedLists.get(c) ?? []), id]));
    return id;
  }

  /** Adds a number to a list and bumps the list's version (as the DNC service does). */
  addDncEntry(listId: string, e164: string): boolean {
    const list = this.dncLists.get(listId);
    if (list === undefined) throw new RangeError(`DNC list ${listId} does not exist`);
    if (list.entries.has(e164)) return false;
    list.entries.add(e164);
    list.version++;
    return true;
  }

  addAgent(campaignId: string | null, sipContact: string | null = null): string {
    const id = randomUUID();
    this.agents.set(id, { id, campaignId, state: 'logged_out', stateReason: null, stateSinceMs: this.clock.nowMs(), sipContact });
    return id;
  }

  /** The lead, or a `RangeError` (a store asked about a lead that does not exist). */
  lead(leadId: string): MemoryLead {
    const l = this.leads.get(leadId);
    if (l === undefined) throw new RangeError(`lead ${leadId} does not exist`);
    return l;
  }

  phoneOf(lead: MemoryLead, e164: string): MemoryPhone | undefined {
    return lead.phones.find((p) => p.e164 === e164);
  }

  appendDecisions(campaignId: string, decisions: readonly DialDecision[]): void {
    if (decisions.length === 0) return;
    this.decisions.set(campaignId, [...(this.decisions.get(campaignId) ?? []), ...decisions]);
  }
}
