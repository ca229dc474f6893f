import { PacerError } from '../domain/pacer-error.ts';
import type { CallSnapshot } from '../domain/pacing/pacing-policy.ts';
import type { CallRecord } from './simulation-result.ts';

/** One simulated call. Objects are pooled: `gen` changes on every reuse so stale events can be dropped. */
export interface SimCall {
  gen: number;
  /** Ground truth: 0 human, 1 machine, 2 failed, 3 no answer. */
  truth: number;
  /** What the engine will report if the call ends without an agent. */
  endResult: CallRecord['result'];
  /** The snapshot the policy sees; after connect, `stageSinceMs` holds the connect time. */
  snap: CallSnapshot;
  listIndex: number;
  answeredMs: number;
  needsAgentMs: number;
  deadlineMs: number;
  amdFalsePositive: boolean;
  amdPassedHuman: boolean;
  /** Waiting for an agent (in the waiting queue, abandon clock running). */
  waiting: boolean;
}

/**
 * The simulator's calls: a pool of reusable call objects, the list of calls in flight (the array the
 * policy sees, kept with O(1) swap-removal) and the first-come-first-served queue of calls waiting
 * for an agent.
 *
 * @example
 * ```ts
 * const pool = new CallPool();
 * const slot = pool.originate(nowMs);      // in flight, stage 'dialing'
 * const call = pool.get(slot);
 * pool.leaveFlight(call); pool.release(slot);
 * ```
 */
export class CallPool {
  /** Snapshots of the calls in flight (dialing, answered, waiting for an agent). */
  readonly inFlight: CallSnapshot[] = [];
  readonly #inFlightSlot: number[] = [];
  readonly #calls: SimCall[] = [];
  readonly #free: number[] = [];
  #waiting: number[] = [];
  #waitingGen: number[] = [];
  #waitingHead = 0;

  get(slot: number): SimCall | undefined {
    return this.#calls[slot];
  }

  /** Takes a call object, resets it, puts it in flight (stage `dialing`) and returns its slot. */
  originate(nowMs: number): number {
    let slot = this.#free.pop();
    let call = slot === undefined ? undefined : this.#calls[slot];
    if (slot === undefined || call === undefined) {
      slot = this.#calls.length;
      call = {
        gen: 0, truth: 0, endResult: 'failed', snap: { stage: 'dialing', originatedAtMs: nowMs, stageSinceMs: nowMs }, listIndex: -1,
        answeredMs: -1, needsAgentMs: -1, deadlineMs: 0, amdFalsePositive: false, amdPassedHuman: false, waiting: false,
      };
      this.#calls.push(call);
    }
    call.gen++;
    call.snap.stage = 'dialing';
    call.snap.originatedAtMs = nowMs;
    call.snap.stageSinceMs = nowMs;
    call.answeredMs = -1;
    call.needsAgentMs = -1;
    call.amdFalsePositive = false;
    call.amdPassedHuman = false;
    call.waiting = false;
    call.listIndex = this.inFlight.length;
    this.inFlight.push(call.snap);
    this.#inFlightSlot.push(slot);
    return slot;
  }

  /** Removes a call from the in-flight list (connected or ended). */
  leaveFlight(call: SimCall): void {
    const idx = call.listIndex;
    if (idx < 0) throw new PacerError('INTERNAL', 'simulator bug: call removed from the in-flight list twice');
    call.waiting = false;
    const lastSnap = this.inFlight.pop();
    const lastSlot = this.#inFlightSlot.pop();
    if (lastSnap !== undefined && lastSlot !== undefined && idx < this.inFlight.length) {
      this.inFlight[idx] = lastSnap;
      this.#inFlightSlot[idx] = lastSlot;
      const moved = this.#calls[lastSlot];
      if (moved !== undefined) moved.listIndex = idx;
    }
    call.listIndex = -1;
  }

  /** Returns a finished call's object to the pool. */
  release(slot: number): void {
    const call = this.#calls[slot];
    if (call === undefined) return;
    call.gen++;
    this.#free.push(slot);
  }

  /** Queues a call for the next free agent. */
  enqueueWaiting(slot: number): void {
    const call = this.#calls[slot];
    if (call === undefined) return;
    call.waiting = true;
    this.#waiting.push(slot);
    this.#waitingGen.push(call.gen);
  }

  /** Entries in the waiting queue (may include calls that already left it). */
  waitingCount(): number {
    return this.#waiting.length - this.#waitingHead;
  }

  /** The slot of the oldest call still waiting for an agent, removed from the queue; -1 if none. */
  takeWaiting(): number {
    let found = -1;
    while (this.#waitingHead < this.#waiting.length) {
      const slot = this.#waiting[this.#waitingHead] ?? -1;
      const gen = this.#waitingGen[this.#waitingHead] ?? -1;
      this.#waitingHead++;
      const call = this.#calls[slot];
      if (call !== undefined && call.gen === gen && call.waiting) {
        found = slot;
        break;
      }
    }
    if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead);
      this.#waitingGen = this.#waitingGen.slice(this.#waitingHead);
      this.#waitingHead = 0;
    }
    return found;
  }
}
