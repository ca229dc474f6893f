import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';

/** One FreeSWITCH media server reached over ESL. */
export interface MediaServerOptions {
  /** Stable id used in logs and for agent pinning, e.g. `fs1`. */
  id: string;
  /** ESL host and port (mod_event_socket, default port 8021). */
  eslHost: string;
  eslPort: number;
  eslSecret: string;
  /** Sessions Pacer may hold open on this server (customer legs + agents' nailed-up legs). */
  maxSessions: number;
  /** New sessions per second on this server (token bucket, burst = one second's worth). */
  maxCps: number;
  /** Whether mod_amd is loaded there; without it AMD results are `unknown` (`NOT_AVAILABLE`). */
  hasModAmd: boolean;
  /** Whether mod_avmd is loaded there (beep detection for voicemail drops). */
  hasModAvmd: boolean;
  /**
   * Idle endpoints kept ready on this server (default 0: off, one new endpoint per call). A call
   * takes one; a call refused before its SDP was answered (busy, no answer, unavailable, ...)
   * gives it back, so FreeSWITCH only creates endpoints for calls that got media. Counts towards
   * nothing in `maxSessions` while idle. See docs/telephony.md#warm-endpoints.
   */
  warmEndpoints?: number;
  /** sofia profile drachtio sends endpoint INVITEs to (default `drachtio_mrf`). */
  profile?: string;
  /** Where FreeSWITCH's outbound ESL connections reach Pacer (fsmrf's listen/advertised address). */
  listenAddress?: string;
  listenPort?: number;
  advertisedAddress?: string;
}

/**
 * Everything the drachtio/FreeSWITCH adapter needs. The config module (src/app/config) builds it
 * from the environment; {@link validateDrachtioAdapterOptions} rejects bad values with one issue
 * per field.
 *
 * @example
 * ```ts
 * const options: DrachtioAdapterOptions = {
 *   drachtio: { host: '127.0.0.1', port: 9022, secret: 'cymru', reconnectMaxDelayMs: 10_000 },
 *   mediaServers: [{ id: 'fs1', eslHost: '127.0.0.1', eslPort: 8021, eslSecret: 'ClueCon',
 *     maxSessions: 500, maxCps: 30, hasModAmd: true, hasModAvmd: true }],
 *   trunk: { uri: 'sip:{to}@carrier.example.com:5060' },
 *   amd: { engine: 'mod_amd', timeoutMs: 5000, params: { total_analysis_time: 5000 } },
 *   beep: { engine: 'mod_avmd' },
 * };
 * ```
 */
export interface DrachtioAdapterOptions {
  drachtio: {
    host: string;
    port: number;
    secret: string;
    /** Upper bound of the reconnect backoff (delay grows x1.7 from 150 ms). Default 10 s. */
    reconnectMaxDelayMs?: number;
  };
  mediaServers: MediaServerOptions[];
  trunk: {
    /**
     * Carrier trunk request URI; `{to}` is replaced by the dialled E.164 number. Without `{to}`
     * the number is put in the user part (`sip:carrier:5060` -> `sip:+1212...@carrier:5060`).
     */
    uri: string;
    /** Outbound proxy (SBC) to send the INVITE through, e.g. `sip:10.0.0.1:5060`. */
    proxy?: string;
    /** Digest credentials when the carrier challenges. */
    auth?: { username: string; password: string };
    /** Extra headers on every INVITE (e.g. a tech prefix header). */
    headers?: Record<string, string>;
  };
  amd: {
    /** `mod_amd`: energy-based human/machine detection; `none`: AMD events report `unknown`. */
    engine: 'mod_amd' | 'none';
    /** No decision within this long after answer -> `amd: unknown` with cause `TIMEOUT`. */
    timeoutMs: number;
    /** mod_amd parameters (amd.conf names), passed with each start. */
    params?: Record<string, number>;
  };
  beep: { engine: 'mod_avmd' | 'none' };
  /** Reconnect backoff for media servers (ESL). Defaults 500 ms .. 10 s. */
  mediaReconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Upper bound of `close()` waiting for BYEs and hangups (default 10 s). */
  closeTimeoutMs?: number;
  /**
   * Where FreeSWITCH writes recordings, as FreeSWITCH sees it (absolute; the volume Pacer reads as
   * PACER_RECORDINGS_DIR). Unset: FreeSWITCH's own `recordings_dir`.
   */
  recordingsDir?: string;
}

const SIP_URI = /^sips?:[^\s]+$/;

/** Throws `PacerError('CONFIG_INVALID')` listing every bad field. */
export function validateDrachtioAdapterOptions(options: DrachtioAdapterOptions): void {
  const issues: FieldIssue[] = [];
  const bad = (field: string, reason: string): void => {
    issues.push({ field, reason });
  };
  const positiveInt = (field: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      bad(field, `must be an integer between 1 and ${max}`);
    }
  };
  const nonEmpty = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || value.trim() === '') bad(field, 'must be a non-empty string');
  };

  nonEmpty('telephony.drachtio.host', options.drachtio.host);
  positiveInt('telephony.drachtio.port', options.drachtio.port, 65_535);
  nonEmpty('telephony.drachtio.secret', options.drachtio.secret);
  if (options.drachtio.reconnectMaxDelayMs !== undefined) {
    positiveInt('telephony.drachtio.reconnectMaxDelayMs', options.drachtio.reconnectMaxDelayMs);
  }
  if (options.mediaServers.length === 0) bad('telephony.mediaServers', 'at least one media server is required');
  const ids = new Set<string>();
  options.mediaServers.forEach((ms, i) => {
    const at = `telephony.mediaServers[${i}]`;
    nonEmpty(`${at}.id`, ms.id);
    if (ids.has(ms.id)) bad(`${at}.id`, `duplicate media server id '${ms.id}'`);
    ids.add(ms.id);
    nonEmpty(`${at}.eslHost`, ms.eslHost);
    positiveInt(`${at}.eslPort`, ms.eslPort, 65_535);
    nonEmpty(`${at}.eslSecret`, ms.eslSecret);
    positiveInt(`${at}.maxSessions`, ms.maxSessions);
    positiveInt(`${at}.maxCps`, ms.maxCps, 10_000);
    if (ms.warmEndpoints !== undefined && (!Number.isInteger(ms.warmEndpoints) || ms.warmEndpoints < 0 || ms.warmEndpoints > ms.maxSessions)) {
      bad(`${at}.warmEndpoints`, 'must be an integer between 0 and maxSessions');
    }
  });
  if (!SIP_URI.test(options.trunk.uri)) bad('telephony.trunk.uri', 'must be a sip: or sips: URI');
  else if (/[{}]/.test(options.trunk.uri.replaceAll('{to}', ''))) bad('telephony.trunk.uri', "has a '{' or '}' that is not part of the {to} placeholder");
  if (options.trunk.proxy !== undefined && !SIP_URI.test(options.trunk.proxy)) {
    bad('telephony.trunk.proxy', 'must be a sip: or sips: URI');
  }
  if (!['mod_amd', 'none'].includes(options.amd.engine)) bad('telephony.amd.engine', "must be 'mod_amd' or 'none'");
  positiveInt('telephony.amd.timeoutMs', options.amd.timeoutMs, 60_000);
  if (options.closeTimeoutMs !== undefined) positiveInt('telephony.closeTimeoutMs', options.closeTimeoutMs, 600_000);
  if (options.recordingsDir !== undefined && !/^\/[^\s]*$/.test(options.recordingsDir)) bad('telephony.recordingsDir', 'must be an absolute path without spaces');
  if (!['mod_avmd', 'none'].includes(options.beep.engine)) bad('telephony.beep.engine', "must be 'mod_avmd' or 'none'");
  if (issues.length > 0) {
    throw new PacerError('CONFIG_INVALID', `invalid telephony configuration: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, { issues });
  }
}

/** The carrier request URI for one dialled number. */
export function trunkRequestUri(trunkUri: string, to: string): string {
  if (trunkUri.includes('{to}')) return trunkUri.replace('{to}', to);
  const colon = trunkUri.indexOf(':');
  return `${trunkUri.slice(0, colon + 1)}${to}@${trunkUri.slice(colon + 1)}`;
}

/**
 * A URI as a SIP name-addr (`<sip:...;transport=udp>`) for the To header: without the angle
 * brackets drachtio-server's To header would make `;transport=udp` a header parameter instead of
 * a URI parameter (RFC 3261 20.10).
 */
export function nameAddr(uri: string): string {
  return `<${uri}>`;
}
