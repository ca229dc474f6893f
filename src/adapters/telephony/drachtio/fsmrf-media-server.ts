import Mrf from 'drachtio-fsmrf';
import type { MediaServerOptions } from './drachtio-adapter-options.ts';
import type { AmdDecision, MediaEndpoint, MediaServerPort, MediaServerStats } from './media-server-port.ts';
import type { SrfClient } from './srf-client.ts';
import type { TelephonyLogger, TimerScheduler } from './telephony-deps.ts';

/**
 * {@link MediaServerPort} over drachtio-fsmrf: one FreeSWITCH reached over ESL, reconnected with
 * exponential backoff (x2 from `initialDelayMs` up to `maxDelayMs`) whenever the connection
 * fails or drops. Session counts come from FreeSWITCH's HEARTBEAT events.
 *
 * @example
 * ```ts
 * const fs1 = new FsmrfMediaServer(options.mediaServers[0], { srf, logger, timers });
 * fs1.onConnectionChange((up) => log.info({ up }, 'fs1'));
 * fs1.start();
 * ```
 */
export class FsmrfMediaServer implements MediaServerPort {
  readonly id: string;
  readonly #options: MediaServerOptions;
  readonly #mrf: Mrf;
  readonly #log: TelephonyLogger;
  readonly #timers: TimerScheduler;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #listeners: ((up: boolean) => void)[] = [];
  #server: Mrf.MediaServer | undefined;
  #delayMs: number;
  #retryTimer: unknown;
  #closed = false;

  constructor(
    options: MediaServerOptions,
    deps: { srf: SrfClient; logger: TelephonyLogger; timers: TimerScheduler; reconnect?: { initialDelayMs?: number; maxDelayMs?: number } },
  ) {
    this.id = options.id;
    this.#options = options;
    this.#mrf = new Mrf(deps.srf, { customEvents: ['amd', 'avmd::beep'] });
    this.#log = deps.logger.child({ mediaServer: options.id });
    this.#timers = deps.timers;
    this.#initialDelayMs = deps.reconnect?.initialDelayMs ?? 500;
    this.#maxDelayMs = deps.reconnect?.maxDelayMs ?? 10_000;
    this.#delayMs = this.#initialDelayMs;
  }

  connected(): boolean {
    return this.#server?.connected() ?? false;
  }

  stats(): MediaServerStats {
    const server = this.#server;
    return { maxSessions: Number.isFinite(server?.maxSessions) ? (server?.maxSessions ?? 0) : 0, currentSessions: Number.isFinite(server?.currentSessions) ? (server?.currentSessions ?? 0) : 0 };
  }

  onConnectionChange(listener: (up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  start(): void {
    void this.#connect();
  }

  async createEndpoint(opts: { remoteSdp?: string } = {}): Promise<MediaEndpoint> {
    const server = this.#server;
    if (!server) throw new Error(`media server ${this.id} is not connected`);
    const endpoint = await server.createEndpoint(opts.remoteSdp === undefined ? {} : { remoteSdp: opts.remoteSdp });
    return new FsmrfEndpoint(endpoint);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#server?.disconnect();
    this.#server = undefined;
  }

  async #connect(): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#closed) return;
    const o = this.#options;
    try {
      const server = await this.#mrf.connect({
        address: o.eslHost,
        port: o.eslPort,
        secret: o.eslSecret,
        ...(o.profile === undefined ? {} : { profile: o.profile }),
        ...(o.listenAddress === undefined ? {} : { listenAddress: o.listenAddress }),
        ...(o.listenPort === undefined ? {} : { listenPort: o.listenPort }),
        ...(o.advertisedAddress === undefined ? {} : { advertisedAddress: o.advertisedAddress }),
      });
      if (this.#closed) {
        server.disconnect();
        return;
      }
      this.#server = server;
      this.#delayMs = this.#initialDelayMs;
      server.on('end', () => this.#onLost());
      server.on('error', (err: Error) => this.#log.warn({ err }, 'media server connection error'));
      this.#log.info({ address: o.eslHost }, 'media server connected');
      for (const listener of this.#listeners) listener(true);
    } catch (err) {
      this.#log.warn({ err, retryInMs: this.#delayMs }, 'media server connection failed');
      this.#scheduleRetry();
    }
  }

  #onLost(): void {
    const server = this.#server;
    this.#server = undefined;
    if (this.#closed) return;
    server?.disconnect();
    this.#log.error({}, 'media server connection lost');
    for (const listener of this.#listeners) listener(false);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(this.#maxDelayMs, this.#delayMs * 2);
    this.#retryTimer = this.#timers.setTimeout(() => void this.#connect(), delayMs);
  }
}

const AMD_RESULTS: Readonly<Record<string, AmdDecision['result']>> = { HUMAN: 'human', MACHINE: 'machine', NOTSURE: 'unknown' };

/** {@link MediaEndpoint} over an fsmrf Endpoint. */
class FsmrfEndpoint implements MediaEndpoint {
  readonly #endpoint: Mrf.Endpoint;

  constructor(endpoint: Mrf.Endpoint) {
    this.#endpoint = endpoint;
  }

  get uuid(): string {
    return this.#endpoint.uuid;
  }

  get localSdp(): string {
    return this.#endpoint.local.sdp;
  }

  async modify(remoteSdp: string): Promise<string> {
    await this.#endpoint.modify(remoteSdp);
    return this.#endpoint.local.sdp;
  }

  async setVariables(variables: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(variables)) await this.#endpoint.execute('set', `${name}=${value}`);
  }

  /**
   * mod_amd is non-blocking: the `amd` application attaches a media bug and, on decision, fires
   * the CUSTOM event `amd` with `AMD-Result` (HUMAN/MACHINE/NOTSURE) and `AMD-Cause`, and sets
   * the channel variables `amd_result`/`amd_cause`.
   */
  startAmd(params: Readonly<Record<string, number>>): Promise<AmdDecision> {
    return new Promise<AmdDecision>((resolve, reject) => {
      const onAmd = (_args: unknown, evt: Mrf.EslEvent): void => {
        this.#endpoint.removeCustomEventListener('amd', onAmd);
        const raw = (evt.getHeader('AMD-Result') ?? evt.getHeader('variable_amd_result') ?? 'NOTSURE').toUpperCase();
        resolve({ result: AMD_RESULTS[raw] ?? 'unknown', cause: evt.getHeader('AMD-Cause') ?? evt.getHeader('variable_amd_cause') ?? raw });
      };
      this.#endpoint.addCustomEventListener('amd', onAmd);
      const arg = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(';');
      this.#endpoint.execute('amd', arg).catch((err: unknown) => {
        this.#endpoint.removeCustomEventListener('amd', onAmd);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  async startBeepDetection(onBeep: () => void): Promise<void> {
    this.#endpoint.addCustomEventListener('avmd::beep', () => onBeep());
    await this.#endpoint.execute('avmd_start');
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    await this.#endpoint.bridge(other.uuid);
  }

  async play(file: string): Promise<void> {
    await this.#endpoint.play(file);
  }

  async destroy(): Promise<void> {
    await this.#endpoint.destroy();
  }

  onEnded(listener: (cause: string) => void): void {
    this.#endpoint.on('destroy', (info?: { reason?: string }) => listener(info?.reason ?? 'UNKNOWN'));
  }
}
