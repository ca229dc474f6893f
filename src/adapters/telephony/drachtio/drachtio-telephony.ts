import type {
  AgentEndpoint,
  AgentLegLost,
  BridgeResult,
  CallEvent,
  OriginateRequest,
  OriginateResult,
  RecordingResult,
  TelephonyCapacity,
  TelephonyPort,
} from '../../../domain/ports/telephony-port.ts';
import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';
import { isSafeRecordingPath } from '../../../domain/call/recording-path.ts';
import { AgentRegistry } from './agent-registry.ts';
import { validateDrachtioAdapterOptions, type DrachtioAdapterOptions } from './drachtio-adapter-options.ts';
import { FsmrfMediaServer } from './fsmrf-media-server.ts';
import type { MediaServerPort } from './media-server-port.ts';
import { MediaServerPool, PooledMediaServer } from './media-server-pool.ts';
import { OutboundCall } from './outbound-call.ts';
import { createSrfClient, stopSrf, type SrfClient } from './srf-client.ts';
import { maskPhoneNumber, settlesWithin, systemTimers, type DrachtioTelephonyDeps, type TelephonyLogger, type TimerScheduler } from './telephony-deps.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * The drachtio/FreeSWITCH implementation of the {@link TelephonyPort}: SIP signaling through
 * drachtio-server (drachtio-srf, inbound connection), media and AMD on FreeSWITCH (drachtio-fsmrf
 * over ESL, behind {@link MediaServerPort}). Build it with {@link createDrachtioTelephony}.
 *
 * @example
 * ```ts
 * const telephony = createDrachtioTelephony(config.telephony, { clock: systemClock, logger });
 * // readiness is reported by telephony.ready() once drachtio and one media server are connected
 * const accepted = await telephony.originate(request, (event) => session.onTelephonyEvent(event));
 * ```
 */
export class DrachtioTelephony implements TelephonyPort {
  readonly #options: DrachtioAdapterOptions;
  readonly #deps: DrachtioTelephonyDeps;
  readonly #timers: TimerScheduler;
  readonly #log: TelephonyLogger;
  readonly #srf: SrfClient;
  readonly #pool: MediaServerPool;
  readonly #agents: AgentRegistry;
  readonly #calls = new Map<string, OutboundCall>();
  /** Recording paths of the calls in progress. */
  readonly #recordings = new Map<string, string>();
  #signalingUp = false;
  #started = false;
  #closed = false;

  constructor(options: DrachtioAdapterOptions, deps: DrachtioTelephonyDeps, parts: { srf: SrfClient; mediaServers: readonly MediaServerPort[] }) {
    validateDrachtioAdapterOptions(options);
    this.#options = options;
    this.#deps = deps;
    this.#timers = deps.timers ?? systemTimers;
    this.#log = deps.logger.child({ component: 'telephony', adapter: 'drachtio' });
    this.#srf = parts.srf;
    this.#pool = new MediaServerPool(
      options.mediaServers.map((o) => {
        const port = parts.mediaServers.find((m) => m.id === o.id);
        if (!port) throw new PacerError('CONFIG_INVALID', `no media server implementation for '${o.id}'`, { issues: [{ field: 'telephony.mediaServers', reason: `missing ${o.id}` }] });
        return new PooledMediaServer(port, o, deps.clock, this.#log, this.#timers);
      }),
    );
    this.#agents = new AgentRegistry({ srf: this.#srf, pool: this.#pool, logger: this.#log, clock: deps.clock });
  }

  /** Connects to drachtio-server and the media servers; both keep reconnecting with backoff. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const srf = this.#srf;
    srf.on('connect', (err, hostport) => {
      if (err) {
        this.#log.error({ err }, 'drachtio-server refused the connection (check the secret)');
        return;
      }
      this.#signalingUp = true;
      this.#log.info({ hostport }, 'connected to drachtio-server');
    });
    srf.on('close', () => this.#onSignalingLost());
    srf.on('error', (err) => this.#log.warn({ err }, 'drachtio connection error'));
    srf.on('reconnecting', (info) => this.#log.info({ info }, 'reconnecting to drachtio-server'));
    const d = this.#options.drachtio;
    srf.connect({ host: d.host, port: d.port, secret: d.secret, reconnect: { retryMaxDelay: d.reconnectMaxDelayMs ?? 10_000 } });
    for (const server of this.#pool.servers) {
      server.port.onConnectionChange((up) => {
        if (up) server.endpoints.fill();
        else {
          server.endpoints.drop();
          void this.#onMediaLost(server);
        }
      });
      server.port.start();
    }
  }

  ready(): boolean {
    return !this.#closed && this.#signalingUp && this.#pool.anyConnected();
  }

  capacity(): TelephonyCapacity {
    if (!this.ready()) return { freeSessions: 0, cpsTokens: 0 };
    return this.#pool.capacity();
  }

  async originate(request: OriginateRequest, onEvent: (event: CallEvent) => void): Promise<OriginateResult> {
    validateOriginateRequest(request);
    if (!this.ready()) return { ok: false, reason: 'not_ready' };
    if (this.#calls.has(request.callId)) return { ok: false, reason: 'duplicate_call_id' };
    const server = this.#pool.acquire((s) => this.#agents.idleCount(s.options.id));
    if (!server) return { ok: false, reason: 'no_capacity' };
    const log = this.#log.child({ callId: request.callId, mediaServer: server.options.id });
    const call = new OutboundCall(request, onEvent, server, log, {
      srf: this.#srf,
      clock: this.#deps.clock,
      timers: this.#timers,
      options: this.#options,
      onFinished: (finished) => {
        if (this.#calls.get(finished.id) === finished) {
          this.#calls.delete(finished.id);
          this.#recordings.delete(finished.id);
        }
        this.#pool.release(finished.media);
        this.#agents.callEnded(finished.id);
      },
    });
    this.#calls.set(request.callId, call);
    log.info({ to: maskPhoneNumber(request.to), ringTimeoutMs: request.ringTimeoutMs, amd: request.amd.enabled }, 'originating');
    log.debug({ to: request.to, callerId: request.callerId }, 'originate numbers');
    void call.start();
    return { ok: true };
  }

  /**
   * The FreeSWITCH channel uuid of a call's customer leg while the call is in progress (for logs
   * and support tools: `uuid_dump`, `uuid_set_media_stats`); undefined before its endpoint exists
   * and once the call has ended.
   */
  channelOf(callId: string): string | undefined {
    const call = this.#calls.get(callId);
    return call?.ended === false ? call.endpoint?.uuid : undefined;
  }

  async cancel(callId: string): Promise<void> {
    await this.#calls.get(callId)?.cancel('cancelled');
  }

  async hangup(callId: string): Promise<void> {
    await this.#calls.get(callId)?.hangup();
  }

  async bridge(callId: string, agentId: string): Promise<BridgeResult> {
    const call = this.#calls.get(callId);
    if (!call || call.ended) return { ok: false, reason: 'call_gone' };
    if (!call.answered) return { ok: false, reason: 'not_answered' };
    const agent = this.#agents.get(agentId);
    if (!agent || agent.callId !== undefined) return { ok: false, reason: 'agent_unavailable' };
    if (agent.server !== call.media) {
      this.#log.warn({ callId, agentId, agentServer: agent.server.options.id, callServer: call.media.options.id }, 'agent is pinned to another media server');
      return { ok: false, reason: 'agent_unavailable' };
    }
    agent.callId = callId;
    try {
      await call.bridgeTo(agentId, agent.endpoint);
    } catch (err) {
      agent.callId = undefined;
      if (call.ended) return { ok: false, reason: 'call_gone' };
      throw new PacerError('TELEPHONY_UNAVAILABLE', `bridging call ${callId} to agent ${agentId} failed`, { cause: err });
    }
    if (call.ended) {
      agent.callId = undefined;
      return { ok: false, reason: 'call_gone' };
    }
    return { ok: true };
  }

  async playPrompt(callId: string, prompt: { file: string }): Promise<void> {
    if (prompt.file.trim() === '') throw new PacerError('VALIDATION_FAILED', 'prompt file is required', { issues: [{ field: 'file', reason: 'must not be empty' }] });
    const call = this.#calls.get(callId);
    if (!call) throw new PacerError('NOT_FOUND', `call ${callId} is not in progress`);
    await call.play(prompt.file);
  }

  /** `uuid_record` on the callee's endpoint, under `recordingsDir` (FreeSWITCH's own when unset). */
  async startRecording(callId: string, options: { path: string }): Promise<RecordingResult> {
    if (!isSafeRecordingPath(options.path)) throw new PacerError('VALIDATION_FAILED', `not a relative recording path: '${options.path}'`, { issues: [{ field: 'path', reason: 'must be <campaignId>/<yyyy-mm-dd>/<callId>.wav-like: relative, no ..' }] });
    const call = this.#calls.get(callId);
    const endpoint = call?.endpoint;
    if (!call || call.ended || !endpoint) return { ok: false, reason: 'call_gone' };
    if (!call.answered) return { ok: false, reason: 'not_answered' };
    const already = this.#recordings.get(callId);
    if (already !== undefined) return { ok: true, path: already };
    this.#recordings.set(callId, options.path);
    const dir = this.#options.recordingsDir;
    try {
      await endpoint.startRecording(dir === undefined ? options.path : `${dir.replace(/\/+$/, '')}/${options.path}`);
    } catch (err) {
      this.#recordings.delete(callId);
      if (call.ended) return { ok: false, reason: 'call_gone' };
      throw new PacerError('TELEPHONY_UNAVAILABLE', `recording call ${callId} failed`, { cause: err });
    }
    if (call.ended) return { ok: false, reason: 'call_gone' };
    return { ok: true, path: options.path };
  }

  async agentLogin(agent: AgentEndpoint, onLost?: (lost: AgentLegLost) => void): Promise<void> {
    if (!this.ready()) throw new PacerError('TELEPHONY_UNAVAILABLE', 'telephony is not ready (drachtio or media servers unreachable)');
    await this.#agents.login(agent, onLost);
  }

  async agentLogout(agentId: string): Promise<void> {
    await this.#agents.logout(agentId);
  }

  /**
   * Ends every call (records closed at once), hangs idle warm endpoints up, logs every agent out,
   * then disconnects. Waiting for the BYEs and hangups is bounded by `closeTimeoutMs` (default
   * 10 s): past it the connections are closed anyway and what was still pending is logged.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const limitMs = this.#options.closeTimeoutMs ?? 10_000;
    const calls = this.#calls.size;
    // Idle warm endpoints are hung up alongside (a call ending meanwhile destroys its endpoint).
    const drained = this.#pool.servers.map((s) => s.endpoints.drain());
    const teardown = Promise.all([...[...this.#calls.values()].map((call) => call.shutdown()), ...drained]).then(() => this.#agents.logoutAll());
    let inTime = false;
    try {
      inTime = await settlesWithin(teardown, limitMs, this.#timers);
    } catch (err) {
      this.#log.error({ err }, 'tearing calls and agents down failed');
      inTime = true;
    }
    if (!inTime) this.#log.error({ closeTimeoutMs: limitMs, calls }, 'calls or agent legs were not torn down in time: disconnecting anyway');
    // Endpoint creations still in progress must settle while srf is up (drachtio-fsmrf's timeout BYE).
    const creating = Promise.all(this.#pool.servers.map((s) => s.port.settled?.()));
    if (!(await settlesWithin(creating, limitMs, this.#timers))) this.#log.error({ closeTimeoutMs: limitMs }, 'endpoint creations still pending: disconnecting anyway');
    stopSrf(this.#srf);
    await Promise.all(this.#pool.servers.map((s) => s.port.close()));
    this.#log.info({}, 'telephony closed');
  }

  #onSignalingLost(): void {
    const wasUp = this.#signalingUp;
    this.#signalingUp = false;
    if (!wasUp || this.#closed) return;
    this.#log.error({ inFlight: this.#calls.size }, 'lost the drachtio-server connection: reconciling in-flight calls');
    for (const call of [...this.#calls.values()]) void call.reconcileLost('signaling');
    void this.#agents.dropAll('signaling');
  }

  async #onMediaLost(server: PooledMediaServer): Promise<void> {
    const calls = [...this.#calls.values()].filter((c) => c.media === server);
    this.#log.error({ mediaServer: server.options.id, inFlight: calls.length }, 'lost a media server: reconciling its calls');
    await Promise.all([...calls.map((c) => c.reconcileLost('media')), this.#agents.dropAll('media', server.options.id)]);
  }
}

function validateOriginateRequest(request: OriginateRequest): void {
  const issues: FieldIssue[] = [];
  if (request.callId.trim() === '') issues.push({ field: 'callId', reason: 'must not be empty' });
  if (!E164.test(request.to)) issues.push({ field: 'to', reason: 'must be an E.164 number' });
  if (!E164.test(request.callerId)) issues.push({ field: 'callerId', reason: 'must be an E.164 number' });
  if (!Number.isInteger(request.ringTimeoutMs) || request.ringTimeoutMs < 1) issues.push({ field: 'ringTimeoutMs', reason: 'must be a positive integer' });
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', `invalid originate request: ${issues.map((i) => i.field).join(', ')}`, { issues });
}

/**
 * Builds the production adapter (real drachtio-srf and drachtio-fsmrf) and starts connecting.
 * `ready()` turns true once drachtio-server and at least one media server are connected.
 */
export function createDrachtioTelephony(options: DrachtioAdapterOptions, deps: DrachtioTelephonyDeps): DrachtioTelephony {
  validateDrachtioAdapterOptions(options);
  const srf = createSrfClient();
  const timers = deps.timers ?? systemTimers;
  const mediaServers = options.mediaServers.map(
    (o) => new FsmrfMediaServer(o, { srf, logger: deps.logger, timers, ...(options.mediaReconnect ? { reconnect: options.mediaReconnect } : {}) }),
  );
  const telephony = new DrachtioTelephony(options, deps, { srf, mediaServers });
  telephony.start();
  return telephony;
}
