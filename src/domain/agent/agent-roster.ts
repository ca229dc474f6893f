import type { AgentSnapshot } from '../pacing/pacing-policy.ts';

export type AgentState = 'logged_out' | 'ready' | 'reserved' | 'on_call' | 'wrap_up' | 'paused';

/** Who asks for a transition: the agent (or a supervisor) through the API, or the dialer itself. */
export type TransitionActor = 'agent' | 'system';

/** Legal transitions, by actor. The dialer alone reserves, connects and starts wrap-up. */
const transitions: Record<AgentState, Partial<Record<AgentState, readonly TransitionActor[]>>> = {
  logged_out: { ready: ['agent'], paused: ['agent'] },
  ready: { paused: ['agent', 'system'], logged_out: ['agent', 'system'], reserved: ['system'] },
  paused: { ready: ['agent'], logged_out: ['agent', 'system'], paused: ['agent', 'system'] },
  reserved: { on_call: ['system'], ready: ['system'], paused: ['system'] },
  on_call: { wrap_up: ['system'] },
  wrap_up: { ready: ['agent', 'system'], paused: ['agent', 'system'], logged_out: ['agent', 'system'] },
};

export interface AgentRecord {
  agentId: string;
  state: AgentState;
  stateSinceMs: number;
  /** Pause reason code, when paused. */
  reason: string | undefined;
  /** The call the agent is reserved for or talking on. */
  callId: string | undefined;
}

export type TransitionResult = { ok: true; agent: AgentRecord } | { ok: false; reason: 'unknown_agent' | 'illegal_transition'; from?: AgentState };

/**
 * The agents of one node, their states and the time they entered them. Pure: the caller passes the
 * time. Picks the longest-idle ready agent for an answered call.
 *
 * @example
 * ```ts
 * const roster = new AgentRoster();
 * roster.transition('a1', 'ready', 'agent', nowMs);
 * const agentId = roster.reserveLongestIdle('call-1', nowMs); // 'a1', now `reserved`
 * ```
 */
export class AgentRoster {
  readonly #agents = new Map<string, AgentRecord>();

  get(agentId: string): AgentRecord | undefined {
    const a = this.#agents.get(agentId);
    return a === undefined ? undefined : { ...a };
  }

  /** Adds a logged-out agent (idempotent). */
  add(agentId: string, nowMs: number): void {
    if (!this.#agents.has(agentId)) {
      this.#agents.set(agentId, { agentId, state: 'logged_out', stateSinceMs: nowMs, reason: undefined, callId: undefined });
    }
  }

  transition(agentId: string, to: AgentState, actor: TransitionActor, nowMs: number, reason?: string): TransitionResult {
    const agent = this.#agents.get(agentId);
    if (agent === undefined) return { ok: false, reason: 'unknown_agent' };
    const allowed = transitions[agent.state][to];
    if (allowed === undefined || !allowed.includes(actor)) return { ok: false, reason: 'illegal_transition', from: agent.state };
    agent.state = to;
    agent.stateSinceMs = nowMs;
    agent.reason = to === 'paused' ? (reason ?? 'unspecified') : undefined;
    if (to !== 'reserved' && to !== 'on_call') agent.callId = undefined;
    return { ok: true, agent: { ...agent } };
  }

  /** Reserves the ready agent idle the longest for `callId`; undefined when none is ready. */
  reserveLongestIdle(callId: string, nowMs: number): string | undefined {
    let best: AgentRecord | undefined;
    for (const a of this.#agents.values()) {
      if (a.state === 'ready' && (best === undefined || a.stateSinceMs < best.stateSinceMs)) best = a;
    }
    if (best === undefined) return undefined;
    best.state = 'reserved';
    best.stateSinceMs = nowMs;
    best.callId = callId;
    return best.agentId;
  }

  /** Reserves this agent for `callId` if it is ready; false otherwise (e.g. an agent-owned callback). */
  reserve(agentId: string, callId: string, nowMs: number): boolean {
    const a = this.#agents.get(agentId);
    if (a?.state !== 'ready') return false;
    a.state = 'reserved';
    a.stateSinceMs = nowMs;
    a.callId = callId;
    return true;
  }

  /** Ids of the agents ready now. */
  readyAgentIds(): string[] {
    return [...this.#agents.values()].filter((a) => a.state === 'ready').map((a) => a.agentId);
  }

  /** Agents as the pacing engine sees them (logged-out agents left out). */
  pacingSnapshot(): AgentSnapshot[] {
    const out: AgentSnapshot[] = [];
    for (const a of this.#agents.values()) {
      if (a.state !== 'logged_out') out.push({ state: a.state, stateSinceMs: a.stateSinceMs });
    }
    return out;
  }

  countByState(): Record<AgentState, number> {
    const counts: Record<AgentState, number> = { logged_out: 0, ready: 0, reserved: 0, on_call: 0, wrap_up: 0, paused: 0 };
    for (const a of this.#agents.values()) counts[a.state] += 1;
    return counts;
  }
}
