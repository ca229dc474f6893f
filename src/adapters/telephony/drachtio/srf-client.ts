import Srf from 'drachtio-srf';

/**
 * Accurate types for the parts of drachtio-srf 5.0.x that Pacer uses. The package's own
 * declarations are partly wrong (`connect()` returns the app, not a promise; `cbRequest` is
 * `(err, req)`; the options lack `callingNumber`, `reconnect`, `tls`), so the adapter talks to
 * srf only through these interfaces, created by {@link createSrfClient}.
 *
 * @example
 * ```ts
 * const srf = createSrfClient();
 * srf.on('connect', (err, hostport) => { if (!err) log.info({ hostport }, 'drachtio connected'); });
 * srf.connect({ host: '127.0.0.1', port: 9022, secret: 'cymru', reconnect: { retryMaxDelay: 10_000 } });
 * const dialog = await srf.createUAC('sip:+12125550100@carrier.example.com', { localSdp, callingNumber: '+12125550199' }, {});
 * ```
 */
export interface SrfConnectOptions {
  host: string;
  port: number;
  secret: string;
  /** Backoff of the wire protocol's reconnect loop (delay grows x1.7 up to retryMaxDelay). */
  reconnect?: { retryMaxDelay?: number; maxAttempts?: number; connectTimeout?: number };
  tls?: Record<string, unknown>;
  enablePing?: boolean;
  pingInterval?: number;
}

/** A SIP message as srf exposes it (request or response). */
export interface SipMessageView {
  readonly body: string;
  get(header: string): string | undefined;
  has(header: string): boolean;
}

export interface SipResponseView extends SipMessageView {
  readonly status: number;
  readonly reason: string;
}

/** The INVITE as sent (from `cbRequest`): the handle used to CANCEL it. */
export interface UacRequest extends SipMessageView {
  readonly stackTxnId: string;
  cancel(callback?: (err: Error | null) => void): void;
}

/** An established SIP dialog. */
export interface SipDialog {
  readonly id: string;
  readonly connected: boolean;
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly local: { uri: string; sdp: string; contact?: string };
  readonly remote: { uri: string; sdp: string };
  /** Sends BYE. */
  destroy(opts?: { headers?: Record<string, string> }): Promise<unknown>;
  /** Sends a re-INVITE with `sdp`; resolves with the far end's answer SDP. */
  modify(sdp: string): Promise<string>;
  /** `destroy` fires when the far end sends BYE. */
  on(event: 'destroy', listener: (req: SipMessageView, reason?: string) => void): this;
  /** `modify` fires for a far-end re-INVITE with a new SDP; the listener must answer `res`. */
  on(event: 'modify', listener: (req: SipMessageView, res: SipReply) => void): this;
  removeAllListeners(event?: string): this;
}

export interface SipReply {
  send(status: number, opts?: { body?: string; headers?: Record<string, string> }): void;
}

export interface CreateUacOptions {
  localSdp?: string;
  /** User part of From (and Contact): the caller ID. */
  callingNumber?: string;
  callingName?: string;
  headers?: Record<string, string>;
  proxy?: string;
  auth?: { username: string; password: string };
}

export interface UacProgress {
  /** Called with the INVITE as sent, or with the error that kept it from being sent. */
  cbRequest?: (err: Error | null, req?: UacRequest) => void;
  /** Called for each provisional response (100/180/183). */
  cbProvisional?: (res: SipResponseView) => void;
}

export interface SrfClient {
  /** Inbound mode: dials drachtio-server and keeps reconnecting. Returns the app (not a promise). */
  connect(opts: SrfConnectOptions): unknown;
  disconnect(): void;
  /** Rejects with a {@link SipFailure}-shaped error (`status`) for a non-2xx final response. */
  createUAC(uri: string, opts: CreateUacOptions, progress: UacProgress): Promise<SipDialog>;
  on(event: 'connect', listener: (err: Error | null, hostport?: string) => void): this;
  on(event: 'close' | 'reconnecting', listener: (info?: unknown) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  removeAllListeners(event?: string): this;
}

/** What srf rejects `createUAC` with when the far end answers with a failure (its `SipError`). */
export interface SipFailure extends Error {
  status: number;
  reason?: string;
}

export function isSipFailure(err: unknown): err is SipFailure {
  return err instanceof Error && typeof (err as Partial<SipFailure>).status === 'number';
}

/** A new, unconnected drachtio-srf instance seen through the accurate {@link SrfClient} types. */
export function createSrfClient(): SrfClient {
  return new Srf() as unknown as SrfClient;
}

interface SrfInternals {
  app?: { client?: { wp?: { closing?: boolean; reconnectVars?: { retryTimer?: ReturnType<typeof setTimeout> | null } } } };
}

/**
 * Disconnects and stops reconnecting. srf's `disconnect()` throws when no socket is up (it looks
 * up a default socket first), which leaves its reconnect loop running; in that case the loop is
 * stopped directly (wire-protocol `closing` flag and retry timer, drachtio-srf 5.0.x).
 */
export function stopSrf(srf: SrfClient): void {
  try {
    srf.disconnect();
    return;
  } catch {
    // Not connected: fall through and stop the reconnect loop.
  }
  const wp = (srf as unknown as SrfInternals).app?.client?.wp;
  if (!wp) return;
  wp.closing = true;
  if (wp.reconnectVars?.retryTimer) {
    clearTimeout(wp.reconnectVars.retryTimer);
    wp.reconnectVars.retryTimer = null;
  }
}
