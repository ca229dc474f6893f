import type { Clock } from '../../../domain/ports/clock.ts';
import type { AgentEndpoint, AgentLegLost } from '../../../domain/ports/telephony-port.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { MediaEndpoint } from './media-server-port.ts';
import type { MediaServerPool, PooledMediaServer } from './media-server-pool.ts';
import { nameAddr } from './drachtio-adapter-options.ts';
import { singleAudioOffer } from './sdp-offer.ts';
import { isSipFailure, type SipDialog, type SrfClient } from './srf-client.ts';
import type { TelephonyLogger } from './telephony-deps.ts';

/** A logged-in agent: a nailed-up SIP leg to the agent's contact, parked on one media server. */
export interface AgentLeg {
  readonly agentId: string;
  readonly contact: string;
  readonly server: PooledMediaServer;
  readonly endpoint: MediaEndpoint;
  readonly dialog: SipDialog;
  /** The call the agent is bridged to, if any. */
  callId: string | undefined;
  /** Told once if the leg goes away by itself. */
  onLost: ((lost: AgentLegLost) => void) | undefined;
}

type DropReason = 'local' | AgentLegLost['cause'];

/**
 * Agents' nailed-up legs. Logging in calls the agent's SIP contact (softphone or WebRTC gateway)
 * from a media-server endpoint and keeps that leg up, parked, for the whole session; bridging an
 * answered customer is then one `uuid_bridge` on the same media server. `park_after_bridge`
 * returns the agent to the park when the customer hangs up.
 *
 * @example
 * ```ts
 * await agents.login({ agentId: 'a-17', contact: 'sip:a-17@10.0.0.40:5062' });
 * const leg = agents.idleOn('fs1')[0];
 * ```
 */
export class AgentRegistry {
  readonly #agents = new Map<string, AgentLeg>();
  readonly #pending = new Set<string>();
  readonly #srf: SrfClient;
  readonly #pool: MediaServerPool;
  readonly #log: TelephonyLogger;
  readonly #clock: Clock;

  constructor(deps: { srf: SrfClient; pool: MediaServerPool; logger: TelephonyLogger; clock: Clock }) {
    this.#srf = deps.srf;
    this.#pool = deps.pool;
    this.#log = deps.logger;
    this.#clock = deps.clock;
  }

  get(agentId: string): AgentLeg | undefined {
    return this.#agents.get(agentId);
  }

  /** Idle agents pinned to a media server. */
  idleCount(serverId: string): number {
    let count = 0;
    for (const leg of this.#agents.values()) if (leg.server.options.id === serverId && leg.callId === undefined) count += 1;
    return count;
  }

  /** Calls the agent's contact and keeps the leg; `onLost` is told if the leg goes away by itself. */
  async login(agent: AgentEndpoint, onLost?: (lost: AgentLegLost) => void): Promise<void> {
    const { agentId, contact } = agent;
    if (agentId.trim() === '') throw new PacerError('VALIDATION_FAILED', 'agentId is required', { issues: [{ field: 'agentId', reason: 'must not be empty' }] });
    if (contact === undefined || !/^sips?:\S+$/.test(contact)) {
      throw new PacerError('VALIDATION_FAILED', 'agent contact must be a sip: or sips: URI', { issues: [{ field: 'contact', reason: 'must be a sip: or sips: URI' }] });
    }
    const existing = this.#agents.get(agentId);
    if (existing && existing.contact === contact) {
      existing.onLost = onLost;
      return;
    }
    if (existing || this.#pending.has(agentId)) {
      throw new PacerError('CONFLICT', `agent ${agentId} is already logged in or logging in`);
    }
    const agentsOn = (s: PooledMediaServer): number => [...this.#agents.values()].filter((l) => l.server === s).length;
    const server = this.#pool.acquire((s) => -agentsOn(s));
    if (!server) throw new PacerError('TELEPHONY_UNAVAILABLE', `no media server has capacity for agent ${agentId}`);
    const log = this.#log.child({ agentId, mediaServer: server.options.id });
    this.#pending.add(agentId);
    let endpoint: MediaEndpoint | undefined;
    let dialog: SipDialog | undefined;
    const fail = async (message: string, err: unknown): Promise<never> => {
      this.#pending.delete(agentId);
      this.#pool.release(server);
      await this.#teardown(log, dialog, endpoint);
      log.error({ err }, message);
      throw new PacerError('TELEPHONY_UNAVAILABLE', message, { cause: err });
    };
    try {
      endpoint = await server.port.createEndpoint();
    } catch (err) {
      return fail(`media server ${server.options.id} refused an endpoint for agent ${agentId}: ${errorText(err)}`, err);
    }
    const offer = singleAudioOffer(endpoint.localSdp);
    if (offer === undefined) return fail(`media server ${server.options.id} offers no plain RTP/AVP audio stream (check rtp_secure_media)`, undefined);
    try {
      dialog = await this.#srf.createUAC(contact, { localSdp: offer, callingNumber: 'pacer', headers: { To: nameAddr(contact), 'X-Pacer-Agent-Id': agentId } }, {});
    } catch (err) {
      const detail = isSipFailure(err) ? ` (SIP ${err.status})` : `: ${errorText(err)}`;
      return fail(`agent ${agentId}'s contact could not be connected${detail}`, err);
    }
    try {
      await endpoint.modify(dialog.remote.sdp);
      await endpoint.setVariables({ park_after_bridge: 'true', hangup_after_bridge: 'false' });
    } catch (err) {
      return fail(`media server ${server.options.id} could not connect agent ${agentId}'s media: ${errorText(err)}`, err);
    }
    this.#pending.delete(agentId);
    const leg: AgentLeg = { agentId, contact, server, endpoint, dialog, callId: undefined, onLost };
    this.#agents.set(agentId, leg);
    dialog.on('destroy', () => {
      log.info({}, 'agent hung up the nailed-up leg: logged out');
      void this.#drop(leg, 'remote');
    });
    endpoint.onEnded((cause) => {
      log.warn({ cause }, "agent's media endpoint ended: logged out");
      void this.#drop(leg, 'media');
    });
    log.info({}, 'agent logged in');
  }

  async logout(agentId: string): Promise<void> {
    const leg = this.#agents.get(agentId);
    if (!leg) return;
    await this.#drop(leg, 'local');
    this.#log.info({ agentId }, 'agent logged out');
  }

  /** Frees the agent once its call ended (the leg stays up, parked). */
  callEnded(callId: string): void {
    for (const leg of this.#agents.values()) if (leg.callId === callId) leg.callId = undefined;
  }

  /** Connection loss: every agent on the server (or all) must log in again; each is reported lost. */
  async dropAll(what: 'signaling' | 'media', serverId?: string): Promise<void> {
    const legs = [...this.#agents.values()].filter((l) => serverId === undefined || l.server.options.id === serverId);
    if (legs.length > 0) this.#log.warn({ lost: what, agents: legs.length, mediaServer: serverId }, 'connection lost: agents logged out');
    await Promise.all(legs.map((leg) => this.#drop(leg, what)));
  }

  /** Adapter shutdown: every agent is logged out, nobody is reported lost. */
  async logoutAll(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((leg) => this.#drop(leg, 'local')));
  }

  async #drop(leg: AgentLeg, why: DropReason): Promise<void> {
    if (this.#agents.get(leg.agentId) !== leg) return;
    this.#agents.delete(leg.agentId);
    this.#pool.release(leg.server);
    const log = this.#log.child({ agentId: leg.agentId });
    if (why !== 'local') this.#reportLost(log, leg, why);
    await this.#teardown(log, why === 'local' || why === 'media' ? leg.dialog : undefined, why === 'media' ? undefined : leg.endpoint);
  }

  #reportLost(log: TelephonyLogger, leg: AgentLeg, cause: AgentLegLost['cause']): void {
    const onLost = leg.onLost;
    leg.onLost = undefined;
    if (onLost === undefined) return;
    try {
      onLost({ agentId: leg.agentId, atMs: this.#clock.nowMs(), cause });
    } catch (err) {
      log.error({ err }, 'the agent-lost handler threw');
    }
  }

  async #teardown(log: TelephonyLogger, dialog: SipDialog | undefined, endpoint: MediaEndpoint | undefined): Promise<void> {
    if (dialog?.connected) {
      dialog.removeAllListeners('destroy');
      await dialog.destroy().catch((err: unknown) => log.warn({ err }, "BYE to the agent's contact failed"));
    }
    if (endpoint) await endpoint.destroy().catch((err: unknown) => log.warn({ err }, "destroying the agent's endpoint failed"));
  }
}

function errorText(err: unknown): string {
  if (isSipFailure(err)) return `SIP ${err.status}`;
  return err instanceof Error ? err.message : String(err);
}
