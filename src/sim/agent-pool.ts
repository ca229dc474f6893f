import type { AgentPacingState, AgentSnapshot } from '../domain/pacing/pacing-policy.ts';

export const AGENT_OUT = 0;
export const AGENT_READY = 1;
export const AGENT_TALK = 2;
export const AGENT_MACHINE = 3;
export const AGENT_WRAP = 4;
export const AGENT_PAUSED = 5;
const STATE_COUNT = 6;

const PACING_STATE: readonly AgentPacingState[] = ['paused', 'ready', 'on_call', 'on_call', 'wrap_up', 'paused'];

/**
 * The simulated agents: their states, the longest-idle-first queue of ready agents, and the time
 * each state was occupied (integrated over time, for utilization). Slots are reused after logout.
 *
 * @example
 * ```ts
 * const pool = new AgentPool(t0);
 * const a = pool.login(t0);           // ready
 * const next = pool.popLongestIdle(); // a
 * pool.setState(next, AGENT_TALK, t1);
 * ```
 */
export class AgentPool {
  /** Snapshots of the logged-in agents, mutated in place: the array the policy sees. */
  readonly loggedIn: AgentSnapshot[] = [];
  readonly state: number[] = [];
  readonly readySinceMs: number[] = [];
  readonly leaving: boolean[] = [];
  readonly pendingPause: boolean[] = [];
  /** Bumped at logout and pause so stale scheduled events can be dropped. */
  readonly gen: number[] = [];
  /** The call slot an agent is handling, -1 if none. */
  readonly callSlot: number[] = [];
  /** Agent-state occupancy (agent-ms) and current head counts, by state. */
  readonly area = new Float64Array(STATE_COUNT);
  readonly counts = new Int32Array(STATE_COUNT);
  #lastMs: number;
  readonly #snap: AgentSnapshot[] = [];
  readonly #listIndex: number[] = [];
  readonly #token: number[] = [];
  readonly #free: number[] = [];
  #queue: number[] = [];
  #queueToken: number[] = [];
  #head = 0;
  #nextToken = 1;

  constructor(startMs: number) {
    this.#lastMs = startMs;
  }

  /** Agents logged in and not marked to leave. */
  activeCount(): number {
    let n = 0;
    for (let i = 0; i < this.state.length; i++) if (this.state[i] !== AGENT_OUT && this.leaving[i] !== true) n++;
    return n;
  }

  /** Adds the agent-ms elapsed since the last change to each state's area. */
  accumulate(nowMs: number): void {
    const dt = nowMs - this.#lastMs;
    if (dt > 0) {
      for (let s = 1; s < STATE_COUNT; s++) this.area[s] = (this.area[s] ?? 0) + (this.counts[s] ?? 0) * dt;
      this.#lastMs = nowMs;
    }
  }

  /** Logs a new agent in (ready, queued last). Returns its slot. */
  login(nowMs: number): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.state.length;
      this.state.push(AGENT_OUT);
      this.readySinceMs.push(nowMs);
      this.leaving.push(false);
      this.pendingPause.push(false);
      this.gen.push(0);
      this.callSlot.push(-1);
      this.#snap.push({ state: 'paused', stateSinceMs: nowMs });
      this.#listIndex.push(-1);
      this.#token.push(0);
    }
    this.leaving[slot] = false;
    this.pendingPause[slot] = false;
    this.callSlot[slot] = -1;
    const snap = this.#snap[slot];
    if (snap === undefined) throw new RangeError(`agent slot ${slot} missing`);
    this.#listIndex[slot] = this.loggedIn.length;
    this.loggedIn.push(snap);
    this.makeReady(slot, nowMs);
    return slot;
  }

  /** Logs an agent out (from any state); its slot is freed. */
  logout(slot: number, nowMs: number): void {
    if (this.state[slot] === AGENT_OUT) return;
    this.#set(slot, AGENT_OUT, nowMs);
    this.gen[slot] = (this.gen[slot] ?? 0) + 1;
    const idx = this.#listIndex[slot] ?? -1;
    const last = this.loggedIn.pop();
    if (last !== undefined && idx >= 0 && idx < this.loggedIn.length) {
      this.loggedIn[idx] = last;
      const movedSlot = this.#snap.indexOf(last);
      this.#listIndex[movedSlot] = idx;
    }
    this.#listIndex[slot] = -1;
    this.#free.push(slot);
  }

  /** Puts the agent in `READY` and at the back of the longest-idle queue. */
  makeReady(slot: number, nowMs: number): void {
    this.#set(slot, AGENT_READY, nowMs);
    this.readySinceMs[slot] = nowMs;
    const token = this.#nextToken++;
    this.#token[slot] = token;
    this.#queue.push(slot);
    this.#queueToken.push(token);
  }

  /** Any non-ready state (`TALK`, `MACHINE`, `WRAP`, `PAUSED`). Leaving `READY` drops the queue entry. */
  setState(slot: number, state: number, nowMs: number): void {
    this.#set(slot, state, nowMs);
  }

  /** The ready agent idle the longest, or -1. It stays `READY` until the caller changes its state. */
  popLongestIdle(): number {
    while (this.#head < this.#queue.length) {
      const slot = this.#queue[this.#head] ?? -1;
      const token = this.#queueToken[this.#head] ?? -1;
      this.#head++;
      if (this.state[slot] === AGENT_READY && this.#token[slot] === token) {
        this.#token[slot] = 0;
        this.#compact();
        return slot;
      }
    }
    this.#compact();
    return -1;
  }

  /** Slots of the ready agents, most recently ready first (the cheapest to send away). */
  readySlotsNewestFirst(): number[] {
    const out: number[] = [];
    for (let i = this.#queue.length - 1; i >= this.#head; i--) {
      const slot = this.#queue[i] ?? -1;
      if (this.state[slot] === AGENT_READY && this.#token[slot] === this.#queueToken[i]) out.push(slot);
    }
    return out;
  }

  #set(slot: number, state: number, nowMs: number): void {
    const old = this.state[slot] ?? AGENT_OUT;
    if (old === state && state !== AGENT_READY) return;
    this.accumulate(nowMs);
    this.counts[old] = (this.counts[old] ?? 0) - 1;
    this.counts[state] = (this.counts[state] ?? 0) + 1;
    this.counts[AGENT_OUT] = 0;
    this.state[slot] = state;
    if (old === AGENT_READY) this.#token[slot] = 0;
    const snap = this.#snap[slot];
    if (snap !== undefined) {
      snap.state = PACING_STATE[state] ?? 'paused';
      snap.stateSinceMs = nowMs;
    }
  }

  #compact(): void {
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#queueToken = this.#queueToken.slice(this.#head);
      this.#head = 0;
    }
  }
}
