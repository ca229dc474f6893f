import type { Clock } from '../../../domain/ports/clock.ts';
import type { CallEvent, FailureReason, OriginateRequest } from '../../../domain/ports/telephony-port.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { DrachtioAdapterOptions } from './drachtio-adapter-options.ts';
import { nameAddr, trunkRequestUri } from './drachtio-adapter-options.ts';
import type { MediaEndpoint } from './media-server-port.ts';
import type { PooledMediaServer } from './media-server-pool.ts';
import { startDetection } from './call-detection.ts';
import { sipFailureReason } from './sip-failure-reason.ts';
import { singleAudioOffer } from './sdp-offer.ts';
import { isSipFailure, type SipDialog, type SipMessageView, type SipReply, type SipResponseView, type SrfClient, type UacRequest } from './srf-client.ts';
import type { TelephonyLogger, TimerScheduler } from './telephony-deps.ts';

export interface OutboundCallContext {
  srf: SrfClient;
  clock: Clock;
  timers: TimerScheduler;
  options: DrachtioAdapterOptions;
  /** Called once, after the terminal event, to release the session and forget the call. */
  onFinished: (call: OutboundCall) => void;
}

/**
 * One outbound call attempt: a FreeSWITCH endpoint plus the carrier INVITE, driven from creation
 * to exactly one terminal event. Owns the ring timer, the cancel/200 race, early-media SDP
 * changes, AMD and beep detection, and reconciliation when signaling or media is lost. The
 * endpoint comes from the media server's warm pool when it has one; an INVITE the carrier refuses
 * before answering our SDP gives it back to the pool instead of destroying it.
 *
 * @example
 * ```ts
 * const call = new OutboundCall(request, onEvent, mediaServer, log, context);
 * void call.start();
 * await call.cancel(); // yields failed:cancelled, or answered + hangup if the 200 won the race
 * ```
 */
export class OutboundCall {
  readonly request: OriginateRequest;
  readonly media: PooledMediaServer;
  readonly #onEvent: (event: CallEvent) => void;
  readonly #log: TelephonyLogger;
  readonly #ctx: OutboundCallContext;
  #endpoint: MediaEndpoint | undefined;
  #invite: UacRequest | undefined;
  #dialog: SipDialog | undefined;
  #ringTimer: unknown;
  #stopDetection: (() => void) | undefined;
  #cancelReason: FailureReason | undefined;
  #cancelSent = false;
  #ringingEarlyMedia: boolean | undefined;
  #answeredAtMs: number | undefined;
  #terminal = false;
  #mediaEnded = false;
  #appliedSdp: string | undefined;
  /** The carrier answered our SDP (183 with SDP, 200, re-INVITE): the endpoint can't be reused. */
  #remoteSdpSeen = false;
  #mediaChain: Promise<unknown> = Promise.resolve();
  bridgedAgentId: string | undefined;

  constructor(request: OriginateRequest, onEvent: (event: CallEvent) => void, media: PooledMediaServer, log: TelephonyLogger, ctx: OutboundCallContext) {
    this.request = request;
    this.#onEvent = onEvent;
    this.media = media;
    this.#log = log;
    this.#ctx = ctx;
  }

  get id(): string {
    return this.request.callId;
  }

  get answered(): boolean {
    return this.#answeredAtMs !== undefined;
  }

  get ended(): boolean {
    return this.#terminal;
  }

  get endpoint(): MediaEndpoint | undefined {
    return this.#endpoint;
  }

  /** Creates the endpoint and sends the INVITE; resolves when the call is answered or has failed. */
  async start(): Promise<void> {
    let endpoint: MediaEndpoint;
    try {
      endpoint = await this.media.endpoints.acquire();
    } catch (err) {
      this.#log.error({ err, mediaServer: this.media.options.id }, 'creating the media endpoint failed');
      await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason: 'error' });
      return;
    }
    this.#endpoint = endpoint;
    this.#appliedSdp = undefined;
    endpoint.onEnded((cause) => this.#onMediaEnded(cause));
    if (this.#terminal) {
      await this.#destroyEndpoint(true);
      return;
    }
    if (this.#cancelReason) {
      await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason: this.#cancelReason }, true);
      return;
    }
    const offer = singleAudioOffer(endpoint.localSdp);
    if (offer === undefined) {
      this.#log.error({ mediaServer: this.media.options.id }, 'the media endpoint offers no plain RTP/AVP audio stream (check rtp_secure_media)');
      await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason: 'error' });
      return;
    }
    const trunk = this.#ctx.options.trunk;
    let dialog: SipDialog;
    try {
      const requestUri = trunkRequestUri(trunk.uri, this.request.to);
      dialog = await this.#ctx.srf.createUAC(
        requestUri,
        {
          localSdp: offer,
          callingNumber: this.request.callerId,
          headers: { To: nameAddr(requestUri), ...trunk.headers, 'X-Pacer-Call-Id': this.id },
          ...(trunk.proxy === undefined ? {} : { proxy: trunk.proxy }),
          ...(trunk.auth === undefined ? {} : { auth: trunk.auth }),
        },
        { cbRequest: (err, req) => this.#onInviteSent(err, req), cbProvisional: (res) => this.#onProvisional(res) },
      );
    } catch (err) {
      this.#clearRingTimer();
      if (this.#terminal) return;
      if (isSipFailure(err)) {
        const reason = err.status === 487 && this.#cancelReason ? this.#cancelReason : sipFailureReason(err.status);
        this.#log.info({ sipStatus: err.status, reason }, 'call failed');
        // A final failure ends the offer: an endpoint that never got an SDP answer is reusable.
        await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason, sipCause: err.status }, true);
      } else {
        this.#log.error({ err }, 'INVITE could not be completed');
        await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason: 'error' });
      }
      return;
    }
    await this.#onAnswered(dialog);
  }

  /** Cancels a call not yet answered; hangs up an answered one. */
  async cancel(reason: FailureReason = 'cancelled'): Promise<void> {
    if (this.#terminal) return;
    if (this.answered) return this.hangup();
    if (this.#cancelReason) return;
    this.#cancelReason = reason;
    this.#clearRingTimer();
    this.#sendCancel();
  }

  /** Ends the call from our side: BYE once answered, CANCEL before. */
  async hangup(): Promise<void> {
    if (this.#terminal) return;
    if (!this.answered) return this.cancel('cancelled');
    await this.#finish({ type: 'hangup', callId: this.id, atMs: this.#now(), by: 'local' });
  }

  /** Adapter shutdown: closes the record now (a late 200 is released with BYE when it comes). */
  async shutdown(): Promise<void> {
    if (this.#terminal) return;
    if (this.answered) return this.hangup();
    this.#cancelReason ??= 'cancelled';
    this.#sendCancel();
    await this.#finish({ type: 'failed', callId: this.id, atMs: this.#now(), reason: 'cancelled' });
  }

  /** `uuid_bridge` with the agent's nailed-up endpoint; emits `bridged`. */
  async bridgeTo(agentId: string, agentEndpoint: MediaEndpoint): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint) throw new PacerError('INTERNAL', `call ${this.id} has no media endpoint to bridge`);
    await this.#mediaChain;
    await endpoint.bridge(agentEndpoint);
    if (this.#terminal) return;
    this.bridgedAgentId = agentId;
    this.#emit({ type: 'bridged', callId: this.id, atMs: this.#now(), agentId });
  }

  /** Plays a file to the callee; a call that ends meanwhile simply ends the prompt. */
  async play(file: string): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint || !this.answered) throw new PacerError('CONFLICT', `call ${this.id} is not answered`);
    let playedMs: number;
    try {
      ({ playedMs } = await endpoint.play(file));
    } catch (err) {
      if (this.#terminal || this.#mediaEnded) return;
      throw new PacerError('TELEPHONY_UNAVAILABLE', `playing ${file} on call ${this.id} failed`, { cause: err });
    }
    // FreeSWITCH found the file but played nothing (unreadable format, media gone): not played.
    if (playedMs === 0 && !this.#terminal && !this.#mediaEnded) {
      throw new PacerError('TELEPHONY_UNAVAILABLE', `${file} played no audio on call ${this.id} (playback_ms 0)`);
    }
  }

  /** The signaling or media connection carrying this call is gone: close the record. */
  async reconcileLost(what: 'signaling' | 'media'): Promise<void> {
    if (this.#terminal) return;
    this.#log.warn({ lost: what, answered: this.answered }, 'connection lost: closing the call record');
    const atMs = this.#now();
    // Without signaling there is no BYE/CANCEL to send: only the media side is released.
    if (what === 'signaling') this.#dialog = undefined;
    else if (!this.#dialog) this.#sendCancel();
    await this.#finish(this.answered ? { type: 'hangup', callId: this.id, atMs, by: 'system' } : { type: 'failed', callId: this.id, atMs, reason: 'error' });
  }

  #onInviteSent(err: Error | null, req?: UacRequest): void {
    if (err || !req) return; // createUAC rejects with the same error
    this.#invite = req;
    if (this.#terminal || this.#cancelReason) {
      // Cancelled (or closed by a connection loss) while the INVITE was on its way out.
      if (!this.#terminal) this.#emit({ type: 'trying', callId: this.id, atMs: this.#now() });
      this.#sendCancel();
      return;
    }
    this.#emit({ type: 'trying', callId: this.id, atMs: this.#now() });
    this.#ringTimer = this.#ctx.timers.setTimeout(() => {
      this.#ringTimer = undefined;
      this.#log.info({ ringTimeoutMs: this.request.ringTimeoutMs }, 'ring timeout: cancelling');
      void this.cancel('no-answer');
    }, this.request.ringTimeoutMs);
  }

  #onProvisional(res: SipResponseView): void {
    if (this.#terminal || res.status === 100) return;
    // Any SDP in a provisional answers our offer: the carrier may send media to the endpoint.
    if (res.body.trim() !== '') this.#remoteSdpSeen = true;
    const earlyMedia = res.status === 183 && res.body.trim() !== '';
    if (earlyMedia) this.#applyRemoteSdp(res.body);
    if (this.#ringingEarlyMedia === undefined || (earlyMedia && !this.#ringingEarlyMedia)) {
      this.#ringingEarlyMedia = earlyMedia;
      this.#emit({ type: 'ringing', callId: this.id, atMs: this.#now(), earlyMedia });
    }
  }

  async #onAnswered(dialog: SipDialog): Promise<void> {
    this.#clearRingTimer();
    if (this.#terminal) {
      // The record is already closed (connection loss): release the late dialog.
      this.#dialog = dialog;
      await this.#releaseDialog();
      return;
    }
    this.#dialog = dialog;
    this.#answeredAtMs = this.#now();
    this.#emit({ type: 'answered', callId: this.id, atMs: this.#answeredAtMs });
    if (this.#cancelReason || this.#mediaEnded) {
      this.#log.info({ cancelReason: this.#cancelReason }, '200 OK raced the cancel: hanging up the late dialog');
      await this.#finish({ type: 'hangup', callId: this.id, atMs: this.#now(), by: this.#mediaEnded ? 'system' : 'local' });
      return;
    }
    dialog.on('destroy', () => this.#onRemoteBye());
    dialog.on('modify', (req, res) => this.#onRemoteReinvite(req, res));
    if (dialog.remote.sdp.trim() !== '') this.#applyRemoteSdp(dialog.remote.sdp);
    this.#startDetection();
  }

  #onRemoteBye(): void {
    this.#dialog = undefined;
    if (this.#terminal) return;
    void this.#finish({ type: 'hangup', callId: this.id, atMs: this.#now(), by: 'remote' });
  }

  #onRemoteReinvite(req: SipMessageView, res: SipReply): void {
    const endpoint = this.#endpoint;
    if (!endpoint || this.#terminal) {
      res.send(481);
      return;
    }
    this.#remoteSdpSeen = true;
    this.#mediaChain = this.#mediaChain.then(async () => {
      try {
        const localSdp = await endpoint.modify(req.body);
        this.#appliedSdp = req.body;
        res.send(200, { body: localSdp, headers: { 'Content-Type': 'application/sdp' } });
      } catch (err) {
        this.#log.warn({ err }, 're-INVITE from the callee could not be applied to the media endpoint');
        res.send(488);
      }
    });
  }

  #applyRemoteSdp(sdp: string): void {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    this.#remoteSdpSeen = true;
    this.#mediaChain = this.#mediaChain.then(async () => {
      if (sdp === this.#appliedSdp || this.#terminal) return;
      try {
        await endpoint.modify(sdp);
        this.#appliedSdp = sdp;
      } catch (err) {
        this.#log.error({ err }, 'pointing the media endpoint at the callee SDP failed');
        if (this.answered) await this.reconcileLost('media');
        else await this.cancel('error');
      }
    });
  }

  #startDetection(): void {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    this.#stopDetection = startDetection({
      endpoint,
      request: this.request,
      options: this.#ctx.options,
      media: this.media.options,
      timers: this.#ctx.timers,
      log: this.#log,
      now: () => this.#now(),
      answeredAtMs: this.#answeredAtMs ?? this.#now(),
      isOver: () => this.#terminal,
      emit: (event) => this.#emit(event),
      chain: (work) => {
        this.#mediaChain = this.#mediaChain.then(work);
      },
    });
  }

  #onMediaEnded(cause: string): void {
    this.#mediaEnded = true;
    if (this.#terminal) return;
    this.#log.warn({ cause }, 'media endpoint ended unexpectedly');
    void this.reconcileLost('media');
  }

  #sendCancel(): void {
    const invite = this.#invite;
    if (!invite || this.#cancelSent) return;
    this.#cancelSent = true;
    invite.cancel((err) => {
      if (err) this.#log.warn({ err }, 'CANCEL was not accepted (the INVITE may have completed)');
    });
  }

  async #releaseDialog(recycle = false): Promise<void> {
    const dialog = this.#dialog;
    this.#dialog = undefined;
    if (dialog?.connected) {
      dialog.removeAllListeners('destroy');
      try {
        await dialog.destroy();
      } catch (err) {
        this.#log.warn({ err }, 'BYE to the callee failed');
      }
    }
    await this.#destroyEndpoint(recycle);
  }

  /** Destroys the endpoint, or with `recycle` gives it back to the warm pool if it never got media. */
  async #destroyEndpoint(recycle = false): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint || this.#mediaEnded) return;
    this.#mediaEnded = true;
    try {
      if (recycle && !this.#remoteSdpSeen && !this.answered) await this.media.endpoints.recycle(endpoint);
      else await endpoint.destroy();
    } catch (err) {
      this.#log.warn({ err }, 'destroying the media endpoint failed');
    }
  }

  /** Emits the terminal event, then releases the dialog (BYE) and the endpoint (see `recycle`). */
  #finish(event: Extract<CallEvent, { type: 'failed' | 'hangup' }>, recycle = false): Promise<void> {
    if (this.#terminal) return Promise.resolve();
    this.#emit(event);
    this.#terminal = true;
    this.#clearRingTimer();
    this.#stopDetection?.();
    this.#ctx.onFinished(this);
    return this.#releaseDialog(recycle);
  }

  #emit(event: CallEvent): void {
    if (this.#terminal) {
      this.#log.warn({ event: event.type }, 'dropping an event after the terminal event');
      return;
    }
    try {
      this.#onEvent(event);
    } catch (err) {
      this.#log.error({ err, event: event.type }, 'the call event listener threw');
    }
  }

  #clearRingTimer(): void {
    if (this.#ringTimer === undefined) return;
    this.#ctx.timers.clearTimeout(this.#ringTimer);
    this.#ringTimer = undefined;
  }

  #now(): number {
    return this.#ctx.clock.nowMs();
  }
}
