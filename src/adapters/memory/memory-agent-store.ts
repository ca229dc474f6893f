import type { AgentState } from '../../domain/agent/agent-roster.ts';
import type { AgentStore, StoredAgent } from '../../runtime/ports/agent-store.ts';
import type { MemoryRuntimeData } from './memory-runtime-data.ts';

/** Agents' stored state in memory ({@link AgentStore}'s contract). */
export class MemoryAgentStore implements AgentStore {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  find(agentId: string): Promise<StoredAgent | undefined> {
    const a = this.#data.agents.get(agentId);
    return Promise.resolve(a === undefined ? undefined : { id: a.id, campaignId: a.campaignId, state: a.state, sipContact: a.sipContact });
  }

  saveState(agentId: string, state: AgentState, reason: string | null, atMs: number): Promise<void> {
    const a = this.#data.agents.get(agentId);
    if (a !== undefined) Object.assign(a, { state, stateReason: reason, stateSinceMs: atMs });
    return Promise.resolve();
  }
}
