import type { AgentState } from '../agent/agent-roster.ts';

/**
 * The topics the dialer publishes on the event bus (one `EventBus<DialerEvents>`), which the agent
 * stream route (and any other node) subscribes to.
 *
 * @example
 * ```ts
 * bus.subscribe('agent.state', (e) => ws.send(JSON.stringify({ type: 'state', ...e })));
 * ```
 */
export interface DialerEvents {
  [topic: string]: unknown;
  'agent.state': { agentId: string; state: AgentState; reason: string | null; atMs: number };
  'agent.screen-pop': { agentId: string; callId: string; leadId: string | null; atMs: number };
}
