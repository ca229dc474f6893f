/**
 * Local declarations for drachtio-fsmrf 4.1.x (the package ships none). Only the parts Pacer
 * uses are declared, and they follow the library's source (lib/mrf.js, lib/mediaserver.js,
 * lib/endpoint.js): every method used here returns a Promise when called without a callback.
 *
 * @example
 * ```ts
 * import Mrf from 'drachtio-fsmrf';
 * const mrf = new Mrf(srf);
 * const ms = await mrf.connect({ address: '10.0.0.7', port: 8021, secret: 'ClueCon' });
 * const ep = await ms.createEndpoint();
 * ```
 */
declare module 'drachtio-fsmrf' {
  import type { EventEmitter } from 'node:events';

  namespace Mrf {
    interface ConnectOptions {
      /** FreeSWITCH event-socket host. */
      address: string;
      /** Event-socket port (default 8021). */
      port?: number;
      /** Event-socket password (default ClueCon). */
      secret?: string;
      /** Where FreeSWITCH's outbound event-socket connections reach this process. */
      listenAddress?: string;
      listenPort?: number;
      advertisedAddress?: string;
      advertisedPort?: number;
      /** The sofia profile that drachtio sends INVITEs to (default drachtio_mrf). */
      profile?: string;
    }

    interface CreateEndpointOptions {
      /** Far-end SDP; without it the endpoint is created 3pcc-style (inactive until modified). */
      remoteSdp?: string;
      codecs?: string | string[];
      headers?: Record<string, string>;
      family?: 'ipv4' | 'ipv6';
    }

    /** An ESL event (drachtio-modesl). */
    interface EslEvent {
      /** drachtio-modesl returns `null` (not undefined) for a header the event lacks. */
      getHeader(name: string): string | null | undefined;
      getBody(): string;
    }

    interface MediaServer extends EventEmitter {
      readonly address: string;
      /** From the HEARTBEAT event; 0 until the first heartbeat. */
      maxSessions: number;
      currentSessions: number;
      cps: number;
      connected(): boolean;
      api(command: string): Promise<string>;
      createEndpoint(opts?: CreateEndpointOptions): Promise<Endpoint>;
      disconnect(): void;
      /** 'end' when the ESL connection drops, 'error' on failures. */
      on(event: 'end', listener: () => void): this;
      on(event: 'error', listener: (err: Error) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }

    interface Endpoint extends EventEmitter {
      readonly uuid: string;
      readonly local: { sdp: string; mediaIp?: string; mediaPort?: string };
      readonly remote: { sdp: string; mediaIp?: string; mediaPort?: string };
      readonly connected: boolean;
      /** Re-INVITEs FreeSWITCH with a new far-end SDP. */
      modify(newSdp: string): Promise<unknown>;
      /** Runs a dialplan application; resolves with its CHANNEL_EXECUTE_COMPLETE event. */
      execute(app: string, arg?: string): Promise<EslEvent>;
      /** Runs an API command; `args` are joined with spaces. */
      api(command: string, args?: string | string[]): Promise<{ body?: string } | undefined>;
      /** `uuid_bridge` with the other endpoint; rejects unless FreeSWITCH answers +OK. */
      bridge(other: Endpoint | string): Promise<void>;
      /** Plays a file (playback application); rejects with 'File Not Found'. */
      play(file: string | string[]): Promise<{ playbackSeconds?: string; playbackMilliseconds?: string }>;
      /** Hangs the FreeSWITCH channel up and BYEs the drachtio dialog. */
      destroy(): Promise<void>;
      /** Listens to a CUSTOM event subclass (e.g. `amd`, `avmd::beep`) for this channel. */
      addCustomEventListener(event: string, handler: (args: unknown, evt: EslEvent) => void): void;
      removeCustomEventListener(event: string, handler?: (args: unknown, evt: EslEvent) => void): void;
      /** 'destroy' when FreeSWITCH or the ESL connection ends the channel. */
      on(event: 'destroy', listener: (info?: { reason?: string }) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  class Mrf extends EventEmitter {
    /** `srf` is a drachtio-srf instance (connected in inbound mode). */
    constructor(srf: unknown, opts?: { customEvents?: string[]; debugDir?: string });
    connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
  }

  export = Mrf;
}
