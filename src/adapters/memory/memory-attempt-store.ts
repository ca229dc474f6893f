import type { CallRecordPatch } from '../../domain/call/call-session.ts';
import { PacerError } from '../../domain/pacer-error.ts';
import type { AbandonHistoryBucket } from '../../domain/compliance/campaign-ledger.ts';
import type { AttemptStore, CallRef, DispositionAudit, DispositionInput, NewCallAttempt } from '../../runtime/ports/attempt-store.ts';
import type { MemoryAttempt, MemoryRuntimeData } from './memory-runtime-data.ts';

const MINUTE_MS = 60_000;

/** A new record as the dial batch inserts it (open, no outcome yet). */
export function newMemoryAttempt(a: NewCallAttempt & { id: string }, createdAtMs: number): MemoryAttempt {
  return {
    id: a.id, campaignId: a.campaignId, leadId: a.leadId, phone: a.phone, callerId: a.callerId, timezone: a.timezone,
    localTimeAtDial: a.localTimeAtDial, dncListsChecked: a.dncListsChecked, nodeId: a.nodeId, createdAtMs,
    originatedAtMs: a.originatedAtMs ?? null, ringingAtMs: null, answeredAtMs: null, greetingEndedAtMs: null, agentConnectedAtMs: null,
    endedAtMs: null, outcome: null, sipCause: null, amdResult: null, amdDecisionMs: null, abandoned: false, messagePlayed: false,
    agentId: null, recordingPath: null, notDialedReason: null, disposition: null, dispositionNote: null, callbackAtMs: null,
  };
}

/** A patch's fields over the stored record: a field the patch does not know keeps its value. */
function applyPatch(a: MemoryAttempt, p: Readonly<CallRecordPatch>): void {
  a.originatedAtMs = p.originatedAtMs;
  a.ringingAtMs = p.ringingAtMs ?? a.ringingAtMs;
  a.answeredAtMs = p.answeredAtMs ?? a.answeredAtMs;
  a.greetingEndedAtMs = p.greetingEndedAtMs ?? a.greetingEndedAtMs;
  a.agentConnectedAtMs = p.agentConnectedAtMs ?? a.agentConnectedAtMs;
  a.endedAtMs = p.endedAtMs ?? a.endedAtMs;
  a.outcome = p.outcome ?? a.outcome;
  a.sipCause = p.sipCause ?? a.sipCause;
  a.amdResult = p.amdResult ?? a.amdResult;
  a.amdDecisionMs = p.amdDecisionMs ?? a.amdDecisionMs;
  a.abandoned = p.abandoned;
  a.messagePlayed = p.messagePlayed;
  a.agentId = p.agentId ?? a.agentId;
  a.recordingPath = p.recordingPath ?? a.recordingPath;
}

/** The call records in memory ({@link AttemptStore}'s contract). */
export class MemoryAttemptStore implements AttemptStore {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  updateMany(patches: readonly { id: string; patch: Readonly<CallRecordPatch> }[]): Promise<void> {
    for (const { id, patch } of patches) {
      const a = this.#data.attempts.get(id);
      if (a !== undefined) applyPatch(a, patch);
    }
    return Promise.resolve();
  }

  closeOrphans(nodeId: string, nowMs: number): Promise<string[]> {
    return Promise.resolve(this.#close((a) => a.nodeId === nodeId, nowMs));
  }

  closeOpenOfOtherNodes(campaignId: string, nodeId: string, nowMs: number): Promise<string[]> {
    return Promise.resolve(this.#close((a) => a.campaignId === campaignId && a.nodeId !== nodeId, nowMs));
  }

  callById(callId: string): Promise<CallRef | undefined> {
    const a = this.#data.attempts.get(callId);
    return Promise.resolve(a === undefined ? undefined : { id: a.id, campaignId: a.campaignId, leadId: a.leadId, agentId: a.agentId, disposition: a.disposition });
  }

  setDisposition(callId: string, disposition: DispositionInput, audit: DispositionAudit): Promise<{ addedToDnc: boolean }> {
    const a = this.#data.attempts.get(callId);
    if (a === undefined) return Promise.reject(new PacerError('NOT_FOUND', `call ${callId} not found`));
    if (audit.addToDnc !== undefined && !this.#data.dncLists.has(audit.addToDnc)) return Promise.reject(new PacerError('NOT_FOUND', `DNC list ${audit.addToDnc} not found`));
    const before = { disposition: a.disposition, note: a.dispositionNote, callbackAt: a.callbackAtMs === null ? null : new Date(a.callbackAtMs).toISOString() };
    a.disposition = disposition.code;
    a.dispositionNote = disposition.note;
    a.callbackAtMs = disposition.callbackAtMs;
    const addedToDnc = audit.addToDnc === undefined ? false : this.#data.addDncEntry(audit.addToDnc, a.phone);
    this.#data.audit.push({
      action: 'call.disposition', entityId: callId, actorKeyId: audit.actorKeyId, actorRole: audit.actorRole, before, atMs: this.#data.clock.nowMs(),
      after: { disposition: disposition.code, note: disposition.note, callbackAt: disposition.callbackAtMs === null ? null : new Date(disposition.callbackAtMs).toISOString(), ...(audit.addToDnc === undefined ? {} : { dncList: audit.addToDnc, addedToDnc }) },
    });
    return Promise.resolve({ addedToDnc });
  }

  abandonHistory(campaignId: string, sinceMs: number): Promise<AbandonHistoryBucket[]> {
    const minutes = new Map<number, AbandonHistoryBucket>();
    for (const a of this.#data.attempts.values()) {
      if (a.campaignId !== campaignId || a.outcome !== 'human' || a.endedAtMs === null || a.endedAtMs < sinceMs) continue;
      const atMs = Math.floor(a.endedAtMs / MINUTE_MS) * MINUTE_MS;
      const m = minutes.get(atMs) ?? { atMs, liveAnswers: 0, abandoned: 0, amdPassedHumans: 0 };
      m.liveAnswers++;
      if (a.abandoned) m.abandoned++;
      if (a.amdResult === 'human') m.amdPassedHumans++;
      minutes.set(atMs, m);
    }
    return Promise.resolve([...minutes.values()].sort((x, y) => x.atMs - y.atMs));
  }

  #close(match: (a: MemoryAttempt) => boolean, nowMs: number): string[] {
    const ids: string[] = [];
    for (const a of this.#data.attempts.values()) {
      if (a.endedAtMs !== null || !match(a)) continue;
      a.endedAtMs = nowMs;
      a.outcome ??= 'unknown';
      ids.push(a.id);
    }
    return ids;
  }
}
