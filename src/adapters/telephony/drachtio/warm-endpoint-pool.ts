import type { AmdDecision, MediaEndpoint, MediaServerPort } from './media-server-port.ts';
import type { TelephonyLogger, TimerScheduler } from './telephony-deps.ts';

/** How many endpoints the pool creates at once while refilling (keeps FreeSWITCH responsive). */
const FILL_CONCURRENCY = 4;
/** After a failed creation (FreeSWITCH overloaded, `Connection timeout`), refilling waits this long. */
const RETRY_DELAY_MS = 1000;

/**
 * Warm FreeSWITCH endpoints of one media server (`mediaServers[].warmEndpoints`, default 0: off).
 *
 * A predictive dialer's calls mostly end before any media flows (busy, no answer, unavailable,
 * invalid): with one new endpoint per call, FreeSWITCH spends most of its time creating and
 * destroying endpoints (3pcc INVITE, outbound ESL connection, BYE) that never carry a packet. The
 * pool keeps up to `size` idle endpoints created ahead of time; a call takes one (or creates one
 * when the pool is empty), offers its SDP to the carrier as before (an ordinary offer in the
 * INVITE, which every carrier accepts), and when the carrier refuses the INVITE before any SDP
 * answer came back, the call gives the endpoint back with {@link recycle} instead of destroying
 * it. Only calls that got media (183 with SDP, 200 OK) consume an endpoint, and the pool refills
 * in the background as they do: `size` counts idle endpoints, those being created and those lent
 * to calls that may still give them back, so busy calls cause no creation at all; when every
 * endpoint is lent, a call creates its own (as without a pool) and may give that one back too. Early media, AMD, beep detection and the identification message are
 * unchanged: the endpoint exists before the INVITE is sent.
 *
 * Idle endpoints are FreeSWITCH sessions: {@link idleCount} is subtracted from FreeSWITCH's
 * session count when computing free capacity (`PooledMediaServer.freeSessions`).
 *
 * @example
 * ```ts
 * const pool = new WarmEndpointPool(mediaServer, 32, log, timers);
 * pool.fill();                                  // on connect
 * const endpoint = await pool.acquire();        // warm, or created now
 * // INVITE refused with 486 before any SDP answer:
 * await pool.recycle(endpoint);                 // back to the pool (or destroyed when full)
 * ```
 */
export class WarmEndpointPool {
  readonly size: number;
  readonly #port: MediaServerPort;
  readonly #log: TelephonyLogger;
  readonly #timers: TimerScheduler;
  #retryTimer: unknown;
  readonly #idle: WarmEndpoint[] = [];
  #creating = 0;
  readonly #inFlight = new Set<Promise<void>>();
  /** Lent to calls and still clean (no SDP applied): they may come back. */
  #lentClean = 0;
  #closed = false;
  /** Endpoints given back by calls and kept for the next ones. */
  reuses = 0;

  constructor(port: MediaServerPort, size: number, log: TelephonyLogger, timers: TimerScheduler) {
    this.#port = port;
    this.size = Math.max(0, Math.floor(size));
    this.#log = log;
    this.#timers = timers;
  }

  /** Idle endpoints held now (FreeSWITCH sessions that carry no call). */
  get idleCount(): number {
    return this.#idle.length;
  }

  /**
   * An idle warm endpoint, or a new one when the pool is empty (or off). The caller owns it until
   * it calls {@link recycle} or destroys it; its `onEnded` listener is the caller's alone.
   */
  async acquire(): Promise<MediaEndpoint> {
    if (this.size === 0) return this.#port.createEndpoint();
    const warm = this.#idle.shift();
    if (warm) {
      this.#lend(warm);
      return warm;
    }
    const endpoint = new WarmEndpoint(await this.#port.createEndpoint(), this);
    this.#lend(endpoint);
    return endpoint;
  }

  /**
   * Gives back an endpoint that never carried media: the carrier refused the INVITE it offered
   * before sending an SDP answer (no 183 with SDP, no 200), so FreeSWITCH never pointed it
   * anywhere. Kept when the pool has room, else destroyed (rejects as `destroy()` does).
   */
  async recycle(endpoint: MediaEndpoint): Promise<void> {
    if (!(endpoint instanceof WarmEndpoint) || endpoint.pool !== this || this.#closed || endpoint.ended || !endpoint.clean || this.#idle.length >= this.size) {
      await endpoint.destroy();
      return;
    }
    this.#lentClean -= 1;
    endpoint.release();
    this.reuses += 1;
    this.#idle.push(endpoint);
  }

  /** A lent endpoint got media or is being destroyed: it will not come back, refill for it. */
  consumed(): void {
    this.#lentClean -= 1;
    this.fill();
  }

  #lend(endpoint: WarmEndpoint): void {
    this.#lentClean += 1;
    endpoint.lease();
  }

  /** Creates endpoints in the background until `size` are idle (or being created). */
  fill(): void {
    if (this.#retryTimer !== undefined) return;
    while (!this.#closed && this.#port.connected() && this.#creating < FILL_CONCURRENCY && this.#idle.length + this.#creating + this.#lentClean < this.size) {
      this.#creating += 1;
      const created = this.#createOne().finally(() => this.#inFlight.delete(created));
      this.#inFlight.add(created);
    }
  }

  /** The media server's connection is gone: its idle endpoints went with it. */
  drop(): void {
    this.#idle.splice(0);
  }

  /** Stops refilling and hangs every idle endpoint up, those still being created too (adapter close). */
  async drain(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const idle = this.#idle.splice(0);
    await Promise.all([
      ...this.#inFlight,
      ...idle.map((endpoint) =>
        endpoint.destroy().catch((err: unknown) => {
          this.#log.warn({ err, endpoint: endpoint.uuid }, 'destroying a warm endpoint failed');
        }),
      ),
    ]);
  }

  /** Called by a warm endpoint whose channel ended (FreeSWITCH hangup, ESL loss). */
  forget(endpoint: WarmEndpoint): void {
    const at = this.#idle.indexOf(endpoint);
    if (at < 0) return;
    this.#idle.splice(at, 1);
    this.#log.warn({ endpoint: endpoint.uuid }, 'a warm endpoint ended while idle');
    this.fill();
  }

  async #createOne(): Promise<void> {
    let endpoint: WarmEndpoint;
    try {
      endpoint = new WarmEndpoint(await this.#port.createEndpoint(), this);
    } catch (err) {
      this.#creating -= 1;
      this.#log.warn({ err, retryInMs: RETRY_DELAY_MS }, 'creating a warm endpoint failed');
      if (this.#retryTimer === undefined && !this.#closed) {
        this.#retryTimer = this.#timers.setTimeout(() => {
          this.#retryTimer = undefined;
          this.fill();
        }, RETRY_DELAY_MS);
      }
      return;
    }
    this.#creating -= 1;
    if (this.#closed || endpoint.ended || this.#idle.length >= this.size) {
      await endpoint.destroy().catch((err: unknown) => this.#log.warn({ err }, 'destroying a surplus warm endpoint failed'));
      return;
    }
    this.#idle.push(endpoint);
    this.fill();
  }
}

/**
 * A pooled endpoint: delegates to the media server's endpoint and routes its one `ended`
 * notification to whoever holds it now (the pool while idle, the call while leased).
 */
class WarmEndpoint implements MediaEndpoint {
  readonly pool: WarmEndpointPool;
  readonly #inner: MediaEndpoint;
  #listener: ((cause: string) => void) | undefined;
  #leased = false;
  /** Lent and not yet pointed at any far end (no modify, not destroyed). */
  clean = false;
  ended = false;

  constructor(inner: MediaEndpoint, pool: WarmEndpointPool) {
    this.#inner = inner;
    this.pool = pool;
    inner.onEnded((cause) => {
      this.ended = true;
      if (this.#leased) {
        this.#consume();
        this.#listener?.(cause);
      } else pool.forget(this);
    });
  }

  lease(): void {
    this.#leased = true;
    this.clean = true;
    this.#listener = undefined;
  }

  release(): void {
    this.#leased = false;
    this.clean = false;
    this.#listener = undefined;
  }

  #consume(): void {
    if (!this.clean) return;
    this.clean = false;
    this.pool.consumed();
  }

  get uuid(): string {
    return this.#inner.uuid;
  }

  get localSdp(): string {
    return this.#inner.localSdp;
  }

  modify(remoteSdp: string): Promise<string> {
    this.#consume();
    return this.#inner.modify(remoteSdp);
  }

  setVariables(variables: Record<string, string>): Promise<void> {
    return this.#inner.setVariables(variables);
  }

  startAmd(params: Readonly<Record<string, number>>): Promise<AmdDecision> {
    return this.#inner.startAmd(params);
  }

  startBeepDetection(onBeep: () => void): Promise<void> {
    return this.#inner.startBeepDetection(onBeep);
  }

  bridge(other: MediaEndpoint): Promise<void> {
    return this.#inner.bridge(other instanceof WarmEndpoint ? other.#inner : other);
  }

  play(file: string): Promise<{ playedMs: number }> {
    return this.#inner.play(file);
  }

  startRecording(path: string): Promise<void> {
    return this.#inner.startRecording(path);
  }

  destroy(): Promise<void> {
    this.#consume();
    this.ended = true;
    return this.#inner.destroy();
  }

  onEnded(listener: (cause: string) => void): void {
    this.#listener = listener;
  }
}
