import { EventEmitter } from 'node:events';
import type Mrf from 'drachtio-fsmrf';
import type { MrfConnector } from '../../../src/adapters/telephony/drachtio/fsmrf-media-server.ts';

/** An ESL event as drachtio-modesl hands it over: headers and a body. */
export class FakeEslEvent implements Mrf.EslEvent {
  readonly #headers: Readonly<Record<string, string>>;
  readonly #body: string;

  constructor(headers: Readonly<Record<string, string>>, body = '') {
    this.#headers = headers;
    this.#body = body;
  }

  /** Like drachtio-modesl's `Event#getHeader`: `null` for a header the event lacks. */
  getHeader(name: string): string | null {
    return this.#headers[name] ?? null;
  }

  getBody(): string {
    return this.#body;
  }
}

/** What `execute(app)` answers: the CHANNEL_EXECUTE_COMPLETE headers, or an error to reject with. */
export type ExecuteScript = (arg: string | undefined) => Readonly<Record<string, string>> | Error;

/**
 * A stand-in for a drachtio-fsmrf Endpoint that behaves like lib/endpoint.js where the wrapper
 * depends on it: CUSTOM events reach a listener only when their subclass was subscribed and their
 * `Unique-ID` is this channel's (the per-endpoint ESL filter), `execute` resolves with the
 * CHANNEL_EXECUTE_COMPLETE event, `destroy` is emitted with `{ reason: Hangup-Cause }`.
 */
export class FakeEndpoint extends EventEmitter implements Mrf.Endpoint {
  readonly uuid: string;
  readonly local: { sdp: string };
  readonly remote: { sdp: string } = { sdp: '' };
  connected = true;
  readonly calls: { method: string; args: readonly unknown[] }[] = [];
  readonly executeScripts = new Map<string, ExecuteScript>();
  readonly subscribed = new Set<string>();
  /** What an API command answers (default `+OK`), e.g. `global_getvar` -> a directory. */
  readonly apiReplies = new Map<string, string>([['global_getvar', '/var/lib/freeswitch/recordings']]);
  bridgeError: Error | undefined;
  playError: Error | undefined;
  /**
   * How a queued `hangup` fares: `runs` (idle channel), `blocked` (a bridged channel stuck in its
   * media read: only `uuid_kill` ends it), `never` (FreeSWITCH does not answer at all).
   */
  hangup: 'runs' | 'blocked' | 'never' = 'runs';
  #killed: (() => void) | undefined;
  #sdpVersion = 1;

  constructor(uuid: string) {
    super();
    this.uuid = uuid;
    this.local = { sdp: this.#sdp() };
  }

  /** Apps executed, with their arguments, in order. */
  executed(): { app: string; arg: string | undefined }[] {
    return this.calls.filter((c) => c.method === 'execute').map((c) => ({ app: String(c.args[0]), arg: c.args[1] === undefined ? undefined : String(c.args[1]) }));
  }

  async modify(newSdp: string): Promise<unknown> {
    this.calls.push({ method: 'modify', args: [newSdp] });
    this.#sdpVersion += 1;
    this.local.sdp = this.#sdp();
    this.remote.sdp = newSdp;
    return undefined;
  }

  async execute(app: string, arg?: string): Promise<Mrf.EslEvent> {
    this.calls.push({ method: 'execute', args: arg === undefined ? [app] : [app, arg] });
    const answer = this.executeScripts.get(app)?.(arg) ?? {};
    if (answer instanceof Error) throw answer;
    return new FakeEslEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': this.uuid, Application: app, ...answer });
  }

  async api(command: string, args?: string | string[]): Promise<{ body?: string } | undefined> {
    this.calls.push({ method: 'api', args: args === undefined ? [command] : [command, args] });
    if (command === 'uuid_kill' && this.hangup !== 'never') this.#killed?.();
    const scripted = this.apiReplies.get(command);
    if (scripted !== undefined) return { body: scripted };
    return { body: '+OK' };
  }

  async bridge(other: Mrf.Endpoint | string): Promise<void> {
    this.calls.push({ method: 'bridge', args: [typeof other === 'string' ? other : other.uuid] });
    if (this.bridgeError) throw this.bridgeError;
  }

  async play(file: string | string[]): Promise<{ playbackSeconds?: string; playbackMilliseconds?: string }> {
    this.calls.push({ method: 'play', args: [file] });
    if (this.playError) throw this.playError;
    return { playbackSeconds: '2', playbackMilliseconds: '2000' };
  }

  async destroy(): Promise<void> {
    this.calls.push({ method: 'destroy', args: [] });
    this.connected = false;
    if (this.hangup === 'runs') return;
    await new Promise<void>((resolve) => (this.#killed = resolve));
  }

  addCustomEventListener(event: string, handler: (args: unknown, evt: Mrf.EslEvent) => void): void {
    this.subscribed.add(event);
    this.removeListener(event, handler);
    this.on(event, handler);
  }

  removeCustomEventListener(event: string, handler?: (args: unknown, evt: Mrf.EslEvent) => void): void {
    if (handler) this.removeListener(event, handler);
    else this.removeAllListeners(event);
    if (this.listenerCount(event) === 0) this.subscribed.delete(event);
  }

  /**
   * FreeSWITCH fires a CUSTOM event. Delivered like drachtio-fsmrf does: only when the endpoint's
   * connection passes it (Unique-ID filter) and the subclass is subscribed; the body is parsed as
   * JSON when it is JSON, else handed over as text.
   */
  fireCustom(subclass: string, headers: Readonly<Record<string, string>>, body = ''): boolean {
    if (headers['Unique-ID'] !== this.uuid || !this.subscribed.has(subclass)) return false;
    const evt = new FakeEslEvent({ 'Event-Name': 'CUSTOM', 'Event-Subclass': subclass, ...headers }, body);
    let args: unknown = body;
    try {
      args = JSON.parse(body);
    } catch {
      args = body;
    }
    this.emit(subclass, args, evt);
    return true;
  }

  #sdp(): string {
    return `v=0\r\no=FreeSWITCH 1 ${this.#sdpVersion} IN IP4 10.0.0.7\r\ns=FreeSWITCH\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  }
}

/** A stand-in for a drachtio-fsmrf MediaServer (one ESL connection). */
export class FakeMediaServer extends EventEmitter implements Mrf.MediaServer {
  readonly address = '10.0.0.7';
  maxSessions = 0;
  currentSessions = 0;
  cps = 0;
  up = true;
  readonly endpoints: FakeEndpoint[] = [];
  readonly createOptions: (Mrf.CreateEndpointOptions | undefined)[] = [];
  createError: Error | undefined;

  connected(): boolean {
    return this.up;
  }

  async api(_command: string): Promise<string> {
    return '+OK';
  }

  async createEndpoint(opts?: Mrf.CreateEndpointOptions): Promise<Mrf.Endpoint> {
    this.createOptions.push(opts);
    if (this.createError) throw this.createError;
    const endpoint = new FakeEndpoint(`uuid-${this.endpoints.length + 1}`);
    this.endpoints.push(endpoint);
    return endpoint;
  }

  disconnect(): void {
    this.up = false;
  }

  /** The ESL connection drops. */
  drop(): void {
    this.up = false;
    this.emit('end');
  }
}

/** A stand-in for `new Mrf(srf)`: each `connect` yields the next scripted server or error. */
export class FakeMrf implements MrfConnector {
  readonly connects: Mrf.ConnectOptions[] = [];
  readonly outcomes: (FakeMediaServer | Error)[] = [];

  async connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer> {
    this.connects.push(opts);
    const next = this.outcomes.shift() ?? new Error('connect ECONNREFUSED');
    if (next instanceof Error) throw next;
    return next;
  }
}
