import type { CallEvent, OriginateRequest } from '../../../domain/ports/telephony-port.ts';
import type { DrachtioAdapterOptions, MediaServerOptions } from './drachtio-adapter-options.ts';
import type { MediaEndpoint } from './media-server-port.ts';
import type { TelephonyLogger, TimerScheduler } from './telephony-deps.ts';

/** What answer-time detection needs from its call. */
export interface DetectionContext {
  endpoint: MediaEndpoint;
  request: OriginateRequest;
  options: Pick<DrachtioAdapterOptions, 'amd' | 'beep'>;
  media: MediaServerOptions;
  timers: TimerScheduler;
  log: TelephonyLogger;
  now: () => number;
  answeredAtMs: number;
  /** True once the call has emitted its terminal event. */
  isOver: () => boolean;
  emit: (event: CallEvent) => void;
  /** Runs `work` after the call's pending SDP changes (its media chain). */
  chain: (work: () => Promise<unknown> | undefined) => void;
}

/**
 * Starts what runs on an answered call's endpoint: beep detection (mod_avmd, when the request asks
 * for it) and AMD (mod_amd), whose decision is emitted once as an `amd` event: the engine's
 * result, or `unknown` with `NOT_CONFIGURED`, `NOT_AVAILABLE`, `TIMEOUT` or `ERROR`. Returns the
 * function that cancels the pending AMD timeout (call ended).
 *
 * @example
 * ```ts
 * const stop = startDetection({ endpoint, request, options, media, timers, log, now, answeredAtMs, isOver, emit, chain });
 * // on hangup:
 * stop();
 * ```
 */
export function startDetection(ctx: DetectionContext): () => void {
  const { endpoint, request, options, media, log } = ctx;
  const { amd, beep } = options;
  if (request.amd.detectBeep && beep.engine === 'mod_avmd' && media.hasModAvmd) {
    ctx.chain(() =>
      endpoint.startBeepDetection(() => {
        if (!ctx.isOver()) ctx.emit({ type: 'beep', callId: request.callId, atMs: ctx.now() });
      }).catch((err: unknown) => log.warn({ err }, 'starting beep detection failed')),
    );
  }
  let timer: unknown;
  const stop = (): void => {
    if (timer === undefined) return;
    ctx.timers.clearTimeout(timer);
    timer = undefined;
  };
  if (!request.amd.enabled) return stop;
  let decided = false;
  const decide = (result: 'human' | 'machine' | 'unknown', cause: string): void => {
    if (decided || ctx.isOver()) return;
    decided = true;
    stop();
    const atMs = ctx.now();
    const decisionMs = atMs - ctx.answeredAtMs;
    log.info({ result, cause, decisionMs }, 'AMD decision');
    ctx.emit({ type: 'amd', callId: request.callId, atMs, result, decisionMs, cause });
  };
  if (amd.engine === 'none') {
    decide('unknown', 'NOT_CONFIGURED');
    return stop;
  }
  if (!media.hasModAmd) {
    decide('unknown', 'NOT_AVAILABLE');
    return stop;
  }
  timer = ctx.timers.setTimeout(() => {
    timer = undefined;
    decide('unknown', 'TIMEOUT');
  }, amd.timeoutMs);
  // Only the start is chained after pending SDP changes; the decision must not hold up bridging.
  ctx.chain(() => {
    endpoint.startAmd(amd.params ?? {}).then(
      (decision) => decide(decision.result, decision.cause),
      (err: unknown) => {
        log.warn({ err }, 'AMD failed');
        decide('unknown', 'ERROR');
      },
    );
    return undefined;
  });
  return stop;
}
