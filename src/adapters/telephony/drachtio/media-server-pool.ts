import type { Clock } from '../../../domain/ports/clock.ts';
import type { TelephonyCapacity } from '../../../domain/ports/telephony-port.ts';
import type { MediaServerOptions } from './drachtio-adapter-options.ts';
import type { MediaServerPort } from './media-server-port.ts';
import type { TelephonyLogger, TimerScheduler } from './telephony-deps.ts';
import { TokenBucket } from './token-bucket.ts';
import { WarmEndpointPool } from './warm-endpoint-pool.ts';

/** One media server with Pacer's bookkeeping: sessions held and its calls-per-second bucket. */
export class PooledMediaServer {
  readonly port: MediaServerPort;
  readonly options: MediaServerOptions;
  readonly bucket: TokenBucket;
  /** Idle endpoints created ahead of calls (`options.warmEndpoints`; size 0 when off). */
  readonly endpoints: WarmEndpointPool;
  /** Sessions Pacer holds open here (customer legs and agents' nailed-up legs). */
  sessions = 0;

  constructor(port: MediaServerPort, options: MediaServerOptions, clock: Clock, log: TelephonyLogger, timers: TimerScheduler) {
    this.port = port;
    this.options = options;
    this.bucket = new TokenBucket({ ratePerSec: options.maxCps, burst: options.maxCps }, clock);
    this.endpoints = new WarmEndpointPool(port, options.warmEndpoints ?? 0, log.child({ mediaServer: options.id, component: 'warm-endpoints' }), timers);
  }

  /**
   * Sessions that may still be opened: the tighter of Pacer's limit and FreeSWITCH's heartbeat.
   * Idle warm endpoints are FreeSWITCH sessions that carry no call: they are not counted.
   */
  freeSessions(): number {
    if (!this.port.connected()) return 0;
    const stats = this.port.stats();
    const limit = stats.maxSessions > 0 ? Math.min(stats.maxSessions, this.options.maxSessions) : this.options.maxSessions;
    return Math.max(0, limit - Math.max(this.sessions, stats.currentSessions - this.endpoints.idleCount));
  }
}

/**
 * The media servers of one adapter. Picks where a new session goes (where the most idle agents
 * are pinned, then the most free sessions) and enforces session and CPS limits before any
 * endpoint is created.
 *
 * @example
 * ```ts
 * const server = pool.acquire((s) => agents.idleCount(s.options.id));
 * if (!server) return { ok: false, reason: 'no_capacity' };
 * ```
 */
export class MediaServerPool {
  readonly servers: readonly PooledMediaServer[];

  constructor(servers: readonly PooledMediaServer[]) {
    this.servers = servers;
  }

  anyConnected(): boolean {
    return this.servers.some((s) => s.port.connected());
  }

  byId(id: string): PooledMediaServer | undefined {
    return this.servers.find((s) => s.options.id === id);
  }

  /**
   * Reserves one session (and one CPS token) on the best server, or returns undefined when no
   * connected server has both. `preference` ranks servers (higher first) before free sessions.
   */
  acquire(preference: (server: PooledMediaServer) => number = () => 0, only?: PooledMediaServer): PooledMediaServer | undefined {
    const candidates = (only ? [only] : [...this.servers])
      .filter((s) => s.freeSessions() > 0)
      .sort((a, b) => preference(b) - preference(a) || b.freeSessions() - a.freeSessions());
    for (const server of candidates) {
      if (server.bucket.tryTake()) {
        server.sessions += 1;
        return server;
      }
    }
    return undefined;
  }

  release(server: PooledMediaServer): void {
    server.sessions = Math.max(0, server.sessions - 1);
  }

  capacity(): TelephonyCapacity {
    let freeSessions = 0;
    let cpsTokens = 0;
    for (const server of this.servers) {
      const free = server.freeSessions();
      freeSessions += free;
      if (free > 0) cpsTokens += server.bucket.available();
    }
    return { freeSessions, cpsTokens };
  }
}
