import type { AgentState } from '../../domain/agent/agent-roster.ts';

/** An agent as the runtime needs it. */
export interface StoredAgent {
  id: string;
  campaignId: string | null;
  state: AgentState;
  sipContact: string | null;
}

/**
 * Agents' stored state. Contract: `find` returns the agent or `undefined`; `saveState` stores the
 * state, its reason (kept for `paused`, else `null` unless given) and since when; saves of one agent
 * applied in the order they were made leave the last one stored.
 *
 * Adapters: PostgreSQL (`AgentRepository`), in memory (`MemoryAgentStore`).
 */
export interface AgentStore {
  find(agentId: string): Promise<StoredAgent | undefined>;
  saveState(agentId: string, state: AgentState, reason: string | null, atMs: number): Promise<void>;
}
