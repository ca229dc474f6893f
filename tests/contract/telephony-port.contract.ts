import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCallEventSequence } from '../../src/domain/call/call-event-sequence.ts';
import type { AgentEndpoint, AgentLegLost, AmdResult, CallEvent, CallEventType, OriginateRequest, TelephonyPort } from '../../src/domain/ports/telephony-port.ts';
import { waitFor } from './wait-for.ts';

/**
 * The telephony port contract, adapter-neutral. An adapter's test file calls
 * `describeTelephonyContract(name, harness)` with a harness that builds the adapter and scripts
 * the far end. Time is the harness's: `advance(ms)` moves it (virtual clock, fake timers, ...)
 * and fires whatever became due (ring timeouts, scripted answers, AMD decisions).
 *
 * Requirements on the adapter beyond the invariants: a ringing callee produces a `ringing` event;
 * `amd` arrives `amd.afterMs` of the harness's time after `answered`.
 */
export type CalleeBehaviour =
  | {
      kind: 'answer';
      /** Time from the INVITE to the answer. */
      afterMs: number;
      /** What AMD decides, `afterMs` after the answer (omit: no decision). */
      amd?: { result: AmdResult; afterMs: number; cause: string };
      /** The callee hangs up this long after answering. */
      hangupAfterMs?: number;
    }
  | { kind: 'busy' }
  | { kind: 'invalid' }
  | { kind: 'unavailable' }
  | { kind: 'congestion' }
  /** Rings forever. */
  | { kind: 'no-answer' }
  /** Rings; answers at the very moment the caller cancels (the 200 crosses the CANCEL). */
  | { kind: 'answer-racing-cancel' };

export interface TelephonyContractSession {
  /** Ready to originate (`ready()` is true). */
  telephony: TelephonyPort;
  /** How the callee at `to` (E.164) behaves for calls placed after this. */
  scriptCallee(to: string, behaviour: CalleeBehaviour): void;
  /** Moves the adapter's time forward, firing due timers. */
  advance(ms: number): Promise<void>;
  /** An agent that answers its login call, for `agentLogin`. */
  agent(agentId: string): AgentEndpoint;
  /** The agent's side drops its leg by itself (the softphone hangs up). */
  dropAgentLeg(agentId: string): Promise<void>;
  close(): Promise<void>;
}

export interface TelephonyContractHarness {
  create(): Promise<TelephonyContractSession>;
}

/** Collects one call's events; `waitFor` resolves when an event of a type has arrived. */
export class CallRecorder {
  readonly events: CallEvent[] = [];
  readonly #waiters: { type: CallEventType; resolve: (e: CallEvent) => void }[] = [];

  readonly onEvent = (event: CallEvent): void => {
    this.events.push(event);
    for (const waiter of this.#waiters.filter((w) => w.type === event.type)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  };

  types(): CallEventType[] {
    return this.events.map((e) => e.type);
  }

  /** Resolves with the first event of `type`; fails the test if none arrives within `guardMs` of real time. */
  waitFor<T extends CallEventType>(type: T, guardMs = 3000): Promise<Extract<CallEvent, { type: T }>> {
    const seen = this.events.find((e) => e.type === type);
    if (seen) return Promise.resolve(seen as Extract<CallEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no '${type}' event; got [${this.types().join(', ')}]`)), guardMs);
      this.#waiters.push({
        type,
        resolve: (e) => {
          clearTimeout(guard);
          resolve(e as Extract<CallEvent, { type: T }>);
        },
      });
    });
  }

  /** Resolves with the terminal event (`failed` or `hangup`). */
  terminal(guardMs = 3000): Promise<Extract<CallEvent, { type: 'failed' | 'hangup' }>> {
    const failed = this.events.find((e) => e.type === 'failed' || e.type === 'hangup');
    if (failed) return Promise.resolve(failed as Extract<CallEvent, { type: 'failed' | 'hangup' }>);
    return new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no terminal event; got [${this.types().join(', ')}]`)), guardMs);
      const done = (e: CallEvent): void => {
        clearTimeout(guard);
        resolve(e as Extract<CallEvent, { type: 'failed' | 'hangup' }>);
      };
      this.#waiters.push({ type: 'failed', resolve: done }, { type: 'hangup', resolve: done });
    });
  }
}

/** The port's invariants on a finished call. */
export function expectValidCompleteSequence(events: readonly CallEvent[]): void {
  expect(checkCallEventSequence(events, { complete: true })).toEqual([]);
  expect(events.filter((e) => e.type === 'failed' || e.type === 'hangup')).toHaveLength(1);
}

let numberSeq = 0;
/** A fresh E.164 number per call so tests and scripts never collide. */
export function uniqueNumber(): string {
  numberSeq += 1;
  return `+1212555${String(1000 + (numberSeq % 9000)).padStart(4, '0')}`;
}

export function describeTelephonyContract(name: string, harness: TelephonyContractHarness): void {
  describe(`telephony port contract: ${name}`, () => {
    let session: TelephonyContractSession;
    let callSeq = 0;
    const RING_TIMEOUT_MS = 20_000;

    beforeEach(async () => {
      session = await harness.create();
    });
    afterEach(async () => {
      await session.close();
    });

    const request = (to: string, amd = true): OriginateRequest => {
      callSeq += 1;
      return { callId: `${name}-call-${Date.now().toString(36)}-${callSeq}`, to, callerId: '+12125550199', ringTimeoutMs: RING_TIMEOUT_MS, amd: { enabled: amd } };
    };

    const place = async (behaviour: CalleeBehaviour, amd = true): Promise<{ rec: CallRecorder; req: OriginateRequest }> => {
      const to = uniqueNumber();
      session.scriptCallee(to, behaviour);
      const req = request(to, amd);
      const rec = new CallRecorder();
      await expect(session.telephony.originate(req, rec.onEvent)).resolves.toEqual({ ok: true });
      return { rec, req };
    };

    it('reports a human answer: answered, then amd human with its decision time, and a local hangup', async () => {
      const { rec, req } = await place({ kind: 'answer', afterMs: 4000, amd: { result: 'human', afterMs: 1200, cause: 'HUMAN' } });
      await rec.waitFor('ringing');
      await session.advance(4000);
      await rec.waitFor('answered');
      await session.advance(1200);
      const amd = await rec.waitFor('amd');
      expect(amd).toMatchObject({ result: 'human', decisionMs: 1200, cause: 'HUMAN' });
      await session.telephony.hangup(req.callId);
      expect(await rec.terminal()).toMatchObject({ type: 'hangup', by: 'local' });
      expect(rec.types().slice(-3)).toEqual(['answered', 'amd', 'hangup']);
      expectValidCompleteSequence(rec.events);
    });

    it('reports a machine answer', async () => {
      const { rec, req } = await place({ kind: 'answer', afterMs: 3000, amd: { result: 'machine', afterMs: 2600, cause: 'MAXWORDS' } });
      await rec.waitFor('ringing');
      await session.advance(3000);
      await rec.waitFor('answered');
      await session.advance(2600);
      expect(await rec.waitFor('amd')).toMatchObject({ result: 'machine', cause: 'MAXWORDS' });
      await session.telephony.hangup(req.callId);
      await rec.terminal();
      expectValidCompleteSequence(rec.events);
    });

    it.each([
      ['busy', 'busy'],
      ['invalid', 'invalid'],
      ['unavailable', 'unavailable'],
      ['congestion', 'congestion'],
    ] as const)('maps a %s callee to failed: %s', async (kind, reason) => {
      const { rec } = await place({ kind });
      const terminal = await rec.terminal();
      expect(terminal).toMatchObject({ type: 'failed', reason });
      expect(rec.types()).not.toContain('answered');
      expectValidCompleteSequence(rec.events);
    });

    it('gives up after the ring timeout with failed: no-answer, not before', async () => {
      const { rec } = await place({ kind: 'no-answer' });
      await rec.waitFor('ringing');
      await session.advance(RING_TIMEOUT_MS - 1);
      expect(rec.types()).not.toContain('failed');
      await session.advance(1);
      expect(await rec.terminal()).toMatchObject({ type: 'failed', reason: 'no-answer' });
      expectValidCompleteSequence(rec.events);
    });

    it('cancels a ringing call with failed: cancelled', async () => {
      const { rec, req } = await place({ kind: 'no-answer' });
      await rec.waitFor('ringing');
      await session.telephony.cancel(req.callId);
      expect(await rec.terminal()).toMatchObject({ type: 'failed', reason: 'cancelled' });
      expectValidCompleteSequence(rec.events);
    });

    it('turns an answer racing the cancel into answered then hangup, never failed', async () => {
      const { rec, req } = await place({ kind: 'answer-racing-cancel' });
      await rec.waitFor('ringing');
      await session.telephony.cancel(req.callId);
      expect(await rec.terminal()).toMatchObject({ type: 'hangup' });
      expect(rec.types()).toContain('answered');
      expect(rec.types()).not.toContain('failed');
      expectValidCompleteSequence(rec.events);
    });

    it('turns an answer racing the ring timeout into answered then hangup', async () => {
      const { rec } = await place({ kind: 'answer-racing-cancel' });
      await rec.waitFor('ringing');
      await session.advance(RING_TIMEOUT_MS);
      expect(await rec.terminal()).toMatchObject({ type: 'hangup' });
      expect(rec.types().slice(-2)).toEqual(['answered', 'hangup']);
      expectValidCompleteSequence(rec.events);
    });

    it('reports a callee hangup as hangup by remote', async () => {
      const { rec } = await place({ kind: 'answer', afterMs: 2000, hangupAfterMs: 9000 }, false);
      await rec.waitFor('ringing');
      await session.advance(2000);
      await rec.waitFor('answered');
      await session.advance(9000);
      expect(await rec.terminal()).toMatchObject({ type: 'hangup', by: 'remote' });
      expect(rec.types()).not.toContain('amd');
      expectValidCompleteSequence(rec.events);
    });

    it('emits nothing after the terminal event, whatever the caller does next', async () => {
      const { rec, req } = await place({ kind: 'busy' });
      await rec.terminal();
      const count = rec.events.length;
      await session.telephony.cancel(req.callId);
      await session.telephony.hangup(req.callId);
      await session.advance(RING_TIMEOUT_MS);
      expect(rec.events).toHaveLength(count);
    });

    it('refuses a second originate with the same call id while the first is in progress', async () => {
      const { rec, req } = await place({ kind: 'no-answer' });
      await rec.waitFor('ringing');
      const other = new CallRecorder();
      await expect(session.telephony.originate(req, other.onEvent)).resolves.toEqual({ ok: false, reason: 'duplicate_call_id' });
      await session.telephony.cancel(req.callId);
      await rec.terminal();
      expect(other.events).toEqual([]);
    });

    it('bridges an answered call to a logged-in agent and refuses impossible bridges', async () => {
      await session.telephony.agentLogin(session.agent('agent-7'));
      const { rec, req } = await place({ kind: 'no-answer' });
      await rec.waitFor('ringing');
      await expect(session.telephony.bridge(req.callId, 'agent-7')).resolves.toEqual({ ok: false, reason: 'not_answered' });
      await session.telephony.cancel(req.callId);
      await rec.terminal();

      const answered = await place({ kind: 'answer', afterMs: 1000, amd: { result: 'human', afterMs: 800, cause: 'HUMAN' } });
      await answered.rec.waitFor('ringing');
      await session.advance(1000);
      await answered.rec.waitFor('answered');
      await expect(session.telephony.bridge(answered.req.callId, 'nobody')).resolves.toEqual({ ok: false, reason: 'agent_unavailable' });
      await expect(session.telephony.bridge('no-such-call', 'agent-7')).resolves.toEqual({ ok: false, reason: 'call_gone' });
      // `bridged` is emitted before bridge() resolves (both adapters): an agent is put on_call only
      // for a call the runtime has seen bridged.
      const bridging = session.telephony.bridge(answered.req.callId, 'agent-7').then((r) => ({ result: r, bridgedSeen: answered.rec.events.some((e) => e.type === 'bridged') }));
      await session.advance(1000);
      expect(await bridging).toEqual({ result: { ok: true }, bridgedSeen: true });
      expect(await answered.rec.waitFor('bridged')).toMatchObject({ agentId: 'agent-7' });
      await session.telephony.hangup(answered.req.callId);
      await answered.rec.terminal();
      expectValidCompleteSequence(answered.rec.events);
      await session.telephony.agentLogout('agent-7');
    });

    it('reports an agent leg that goes away by itself once, and bridges to that agent no more', async () => {
      const lost: AgentLegLost[] = [];
      await session.telephony.agentLogin(session.agent('agent-8'), (l) => lost.push(l));
      await session.telephony.agentLogin(session.agent('agent-9'), (l) => lost.push(l));
      await session.dropAgentLeg('agent-8');
      await waitFor(() => lost.length > 0, 'the lost agent leg', 3000);
      expect(lost).toEqual([{ agentId: 'agent-8', cause: 'remote', atMs: expect.any(Number) as number }]);

      const answered = await place({ kind: 'answer', afterMs: 1000 }, false);
      await answered.rec.waitFor('ringing');
      await session.advance(1000);
      await answered.rec.waitFor('answered');
      await expect(session.telephony.bridge(answered.req.callId, 'agent-8')).resolves.toEqual({ ok: false, reason: 'agent_unavailable' });
      const bridging = session.telephony.bridge(answered.req.callId, 'agent-9');
      await session.advance(1000);
      await expect(bridging).resolves.toEqual({ ok: true });
      await answered.rec.waitFor('bridged');
      await session.telephony.hangup(answered.req.callId);
      await answered.rec.terminal();
      expectValidCompleteSequence(answered.rec.events);

      // An explicit logout is not a loss; a lost agent can log in again.
      await session.telephony.agentLogout('agent-9');
      await session.telephony.agentLogin(session.agent('agent-8'), (l) => lost.push(l));
      await session.telephony.agentLogout('agent-8');
      await session.advance(1000);
      expect(lost).toHaveLength(1);
    });

    it('plays a prompt to an answered call', async () => {
      const { rec, req } = await place({ kind: 'answer', afterMs: 1000 }, false);
      await rec.waitFor('ringing');
      await session.advance(1000);
      await rec.waitFor('answered');
      await expect(session.telephony.playPrompt(req.callId, { file: '/prompts/identification.wav' })).resolves.toBeUndefined();
      await session.telephony.hangup(req.callId);
      await rec.terminal();
      expectValidCompleteSequence(rec.events);
    });

    it('records an answered call: ok with its path (the same path when asked again); refuses unknown, unanswered and ended calls and unsafe paths', async () => {
      const t = session.telephony;
      const pathOf = (callId: string): string => `contract-campaign/2026-07-01/${callId}.wav`;
      await expect(t.startRecording('no-such-call', { path: pathOf('no-such-call') })).resolves.toEqual({ ok: false, reason: 'call_gone' });

      const ringing = await place({ kind: 'no-answer' });
      await ringing.rec.waitFor('ringing');
      await expect(t.startRecording(ringing.req.callId, { path: pathOf(ringing.req.callId) })).resolves.toEqual({ ok: false, reason: 'not_answered' });
      await t.cancel(ringing.req.callId);
      await ringing.rec.terminal();

      await t.agentLogin(session.agent('agent-rec'));
      const { rec, req } = await place({ kind: 'answer', afterMs: 1000 }, false);
      await rec.waitFor('ringing');
      await session.advance(1000);
      await rec.waitFor('answered');
      const bridging = t.bridge(req.callId, 'agent-rec');
      await session.advance(1000);
      await expect(bridging).resolves.toEqual({ ok: true });
      for (const bad of ['../../etc/passwd.wav', '/tmp/abs.wav', 'a b/c.wav', 'c/2026-07-01/x.mp3']) {
        await expect(t.startRecording(req.callId, { path: bad })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      await expect(t.startRecording(req.callId, { path: pathOf(req.callId) })).resolves.toEqual({ ok: true, path: pathOf(req.callId) });
      await expect(t.startRecording(req.callId, { path: pathOf('another') })).resolves.toEqual({ ok: true, path: pathOf(req.callId) });
      await t.hangup(req.callId);
      await rec.terminal();
      await expect(t.startRecording(req.callId, { path: pathOf(req.callId) })).resolves.toEqual({ ok: false, reason: 'call_gone' });
      expectValidCompleteSequence(rec.events);
      await t.agentLogout('agent-rec');
    });

    it('is ready and reports capacity', () => {
      expect(session.telephony.ready()).toBe(true);
      const capacity = session.telephony.capacity();
      expect(capacity.freeSessions).toBeGreaterThan(0);
      expect(capacity.cpsTokens).toBeGreaterThan(0);
    });
  });
}
