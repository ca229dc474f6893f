import type { PacerError } from '../pacer-error.ts';

/**
 * A map of topic -> payload type, e.g. `{ 'agent.screen-pop': ScreenPop; 'campaign.stats': Stats }`.
 * Payloads must be JSON values: they cross process boundaries as JSON (a `Date` arrives as an ISO
 * string), the in-process bus round-trips them the same way.
 */
export type EventMap = { [topic: string]: unknown };

/** Called once per event, in publish order; a handler's next event waits for its returned promise. */
export type EventHandler<P> = (event: P) => void | Promise<void>;

/** Stops the delivery to one subscription. Idempotent. */
export type Unsubscribe = () => Promise<void>;

/** A handler threw or rejected: reported with the handler's error as `cause`; delivery goes on. */
export interface EventHandlerFailure {
  topic: string;
  error: PacerError;
}

/**
 * Fire-and-forget publish/subscribe between the nodes of one Pacer deployment (agent screen pops,
 * live stats). Implemented on Redis pub/sub across nodes and in-process for a single node; one
 * conformance suite (tests/contract/event-bus.contract.ts) runs against both.
 *
 * Guarantees: every subscription active when an event is published gets it once; events from one
 * publisher arrive in publish order; at-most-once (nothing is stored: a subscriber that is down or
 * disconnected misses events). Use the `JobQueue` for anything that must not be lost.
 *
 * @example
 * ```ts
 * type Events = { 'agent.screen-pop': { agentId: string; leadId: string } };
 * const bus: EventBus<Events> = backend.eventBus;
 * const unsubscribe = await bus.subscribe('agent.screen-pop', (pop) => sendToAgent(pop));
 * await bus.publish('agent.screen-pop', { agentId, leadId });
 * await unsubscribe();
 * ```
 */
export interface EventBus<Events extends EventMap = EventMap> {
  /**
   * Sends `event` to every current subscriber of `topic` on every node. Rejects with
   * `VALIDATION_FAILED` for an empty topic or a non-JSON event, `QUEUE_CLOSED` after `close()`,
   * `QUEUE_UNAVAILABLE` when the backend is unreachable.
   */
  publish<K extends keyof Events & string>(topic: K, event: Events[K]): Promise<void>;
  /** Resolves once the subscription is active: events published after that are delivered. */
  subscribe<K extends keyof Events & string>(topic: K, handler: EventHandler<Events[K]>): Promise<Unsubscribe>;
  /** Calls `listener` when a handler fails; failures with no listener are logged at error level. */
  onHandlerError(listener: (failure: EventHandlerFailure) => void): () => void;
  /** Reachable? Used by /readyz. */
  ping(): Promise<boolean>;
  /** Drops all subscriptions and disconnects. Idempotent. */
  close(): Promise<void>;
}
