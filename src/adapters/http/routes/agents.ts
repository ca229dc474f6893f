import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import { Type } from 'typebox';
import { PacerError } from '../../../domain/pacer-error.ts';
import { actorOf } from '../../../domain/auth/principal.ts';
import type { AgentState } from '../../../domain/agent/agent-roster.ts';
import type { EventBus } from '../../../domain/ports/event-bus.ts';
import type { AgentRepository } from '../../db/repositories/agent-repository.ts';
import type { DialerEvents } from '../../../domain/ports/dialer-events.ts';
import { errorResponses } from '../schemas/error-body.ts';

/** What the agent routes need from the dialer. */
export interface AgentDialer {
  setAgentState(agentId: string, state: 'ready' | 'paused' | 'logged_out', reason?: string): Promise<{ ok: true; state: AgentState } | { ok: false; reason: string; from?: AgentState }>;
  setDisposition(input: { callId: string; agentId: string | null; code: string; note: string | null; callbackAtMs: number | null; actor?: { actorKeyId: string | null; actorRole: string | null } }): Promise<void>;
  hangupCall(input: { callId: string; agentId: string | null }): Promise<void>;
  agentConnected(agentId: string): void;
  agentDisconnected(agentId: string): Promise<void>;
}

export interface AgentRoutesOptions {
  agents: AgentRepository;
  dialer: AgentDialer;
  eventBus: EventBus<DialerEvents>;
}

const tags = ['agents'];
const Uuid = Type.String({ format: 'uuid' });
const AgentSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  campaignId: Type.Union([Uuid, Type.Null()]),
  sipContact: Type.Union([Type.String(), Type.Null()]),
  externalRef: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({ description: 'logged_out | ready | reserved | on_call | wrap_up | paused' }),
  stateReason: Type.Union([Type.String(), Type.Null()]),
  stateSince: Type.String({ format: 'date-time' }),
});
const IdParams = Type.Object({ id: Uuid });

/** PostgreSQL's foreign_key_violation (an unknown referenced row). */
function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === '23503';
}

/** Admins and managers may disposition any call; every other role only the calls its agent took. */
function roleMayDispositionAnyCall(role: string): boolean {
  return role === 'admin' || role === 'manager';
}

/** An agent may act only for itself; managers and admins for anyone. */
function ownAgentOnly(principal: { role: string; agentId: string | null }, agentId: string): void {
  if (principal.role === 'agent' && principal.agentId !== agentId) throw new PacerError('FORBIDDEN', 'an agent key may act only for its own agent');
}

/**
 * Agents: create and list them, change their state (ready / paused with a reason / logged out), their
 * live event stream (WebSocket: state changes and the screen pop with lead data and history when a
 * call is bridged), and dispositions.
 */
const agentRoutes: FastifyPluginAsyncTypebox<AgentRoutesOptions> = async function agentRoutes(app, opts) {
  const { agents, dialer, eventBus } = opts;
  await app.register(websocket);

  app.post('/agents', {
    config: { roles: ['admin', 'manager'] },
    schema: {
      tags, summary: 'Create an agent',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), campaignId: Type.Optional(Uuid), sipContact: Type.Optional(Type.String({ maxLength: 500 })), externalRef: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      response: { 201: AgentSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const b = request.body;
    try {
      const created = await agents.create({ name: b.name, campaignId: b.campaignId ?? null, sipContact: b.sipContact ?? null, externalRef: b.externalRef ?? null });
      return await reply.status(201).send(created);
    } catch (err) {
      if (isForeignKeyViolation(err) && b.campaignId !== undefined) {
        throw new PacerError('NOT_FOUND', `campaignId: campaign ${b.campaignId} not found`, { cause: err, issues: [{ field: 'campaignId', reason: 'no such campaign' }] });
      }
      throw err;
    }
  });

  app.get('/agents', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: { tags, summary: 'List agents', querystring: Type.Object({ campaignId: Type.Optional(Uuid) }), response: { 200: Type.Object({ items: Type.Array(AgentSchema) }), ...errorResponses(400, 401, 403) } },
  }, async (request) => ({ items: await agents.list(request.query.campaignId) }));

  app.get('/agents/:id', {
    config: { roles: ['admin', 'manager', 'compliance', 'agent'] },
    schema: { tags, summary: 'Get an agent', params: IdParams, response: { 200: AgentSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => {
    ownAgentOnly(request.principal, request.params.id);
    const agent = await agents.get(request.params.id);
    if (agent === undefined) throw new PacerError('NOT_FOUND', `agent ${request.params.id} not found`);
    return agent;
  });

  app.put('/agents/:id/state', {
    config: { roles: ['admin', 'manager', 'agent'] },
    schema: {
      tags, summary: 'Set an agent state: ready, paused (with a reason code) or logged_out',
      params: IdParams,
      body: Type.Object({ state: Type.Union([Type.Literal('ready'), Type.Literal('paused'), Type.Literal('logged_out')]), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Uuid, state: Type.String() }), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    ownAgentOnly(request.principal, request.params.id);
    const r = await dialer.setAgentState(request.params.id, request.body.state, request.body.reason);
    if (!r.ok) throw new PacerError('CONFLICT', `cannot go ${request.body.state} from ${r.from ?? 'this state'} (${r.reason})`);
    return { id: request.params.id, state: r.state };
  });

  app.post('/calls/:id/disposition', {
    config: { roles: ['admin', 'manager', 'agent'] },
    schema: {
      tags: ['calls'], summary: 'Set the disposition of a call (ends the agent wrap-up); optionally an agent-owned callback time. DNC or DO_NOT_CALL puts the dialed number on the internal DNC list. An agent sets it once; a manager or admin may change it (audited).',
      params: IdParams,
      body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), note: Type.Optional(Type.String({ maxLength: 4000 })), callbackAt: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Uuid, disposition: Type.String() }), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { code, note, callbackAt } = request.body;
    const callbackAtMs = callbackAt === undefined ? null : Date.parse(callbackAt);
    if (callbackAtMs !== null && Number.isNaN(callbackAtMs)) throw new PacerError('VALIDATION_FAILED', 'callbackAt is not a date-time', { issues: [{ field: 'callbackAt', reason: 'not an ISO-8601 date-time' }] });
    const { principal } = request;
    // An agent key names its agent (keys made before that rule may not): it dispositions only the calls it took.
    if (principal.role === 'agent' && principal.agentId === null) throw new PacerError('FORBIDDEN', 'this agent key names no agent: it may disposition no call');
    await dialer.setDisposition({ callId: request.params.id, agentId: roleMayDispositionAnyCall(principal.role) ? null : principal.agentId, code, note: note ?? null, callbackAtMs, actor: actorOf(principal) });
    return { id: request.params.id, disposition: code };
  });

  app.post('/calls/:id/hangup', {
    config: { roles: ['admin', 'manager', 'agent'] },
    schema: {
      tags: ['calls'], summary: 'End a live call: the agent connected to it, or a manager or admin (the agent then goes to wrap-up)',
      params: IdParams,
      response: { 200: Type.Object({ id: Uuid, hungUp: Type.Literal(true) }), ...errorResponses(401, 403, 404, 409) },
    },
  }, async (request) => {
    const { principal } = request;
    if (principal.role === 'agent' && principal.agentId === null) throw new PacerError('FORBIDDEN', 'this agent key names no agent: it may hang up no call');
    await dialer.hangupCall({ callId: request.params.id, agentId: roleMayDispositionAnyCall(principal.role) ? null : principal.agentId });
    return { id: request.params.id, hungUp: true as const };
  });

  app.get('/agents/:id/stream', {
    websocket: true,
    config: { roles: ['admin', 'manager', 'agent'] },
    schema: { tags, summary: 'WebSocket: the agent state changes and screen pops (lead data and history) as JSON messages', params: IdParams },
    // Checked before the upgrade, so another agent's key gets a plain 403 and no socket.
    preHandler: async (request) => ownAgentOnly(request.principal, request.params.id),
  }, async (socket, request) => {
    const agentId = request.params.id;
    const send = (message: unknown): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    dialer.agentConnected(agentId);
    const unsubscribe = [
      await eventBus.subscribe('agent.state', (e) => {
        if (e.agentId === agentId) send({ type: 'state', state: e.state, reason: e.reason, at: new Date(e.atMs).toISOString() });
      }),
      await eventBus.subscribe('agent.screen-pop', async (e) => {
        if (e.agentId !== agentId) return;
        const pop = await agents.screenPop(e.callId);
        send({ type: 'screen-pop', at: new Date(e.atMs).toISOString(), ...pop });
      }),
    ];
    socket.on('close', () => {
      for (const u of unsubscribe) void u().catch((err: unknown) => request.log.error({ err, agentId }, 'unsubscribe failed'));
      void dialer.agentDisconnected(agentId).catch((err: unknown) => request.log.error({ err, agentId }, 'agent disconnect handling failed'));
    });
    const agent = await agents.get(agentId);
    send({ type: 'hello', agent });
  });
};

export default agentRoutes;
