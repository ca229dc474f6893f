import type { RecordingSettings } from '../domain/campaign/campaign.ts';
import type { CallSession } from '../domain/call/call-session.ts';
import { recordingPathFor } from '../domain/call/recording-path.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';

/** When a campaign records a call: at the bridge, and before an abandoned call's identification message. */
export type RecordingMoment = 'bridged' | 'abandon_message';

/** Whether the campaign's setting asks for a recording at this moment (off when there is no setting). */
export function recordingWanted(settings: Readonly<RecordingSettings> | undefined, moment: RecordingMoment): boolean {
  if (settings?.enabled !== true) return false;
  return moment === 'bridged' || settings.abandonMessage;
}

/**
 * Starts recording one call at `<campaignId>/<yyyy-mm-dd>/<callId>.wav` and, when the telephony
 * port started it, puts the path on the session's record (the write-behind carries it to
 * `call_attempts.recording_path` with the rest of the record). Never throws: a recording that could
 * not start is logged and the call goes on unrecorded. Resolves with whether the record changed.
 *
 * @example
 * ```ts
 * if (recordingWanted(campaign.recording, 'bridged') && (await startCallRecording(telephony, call, ctx))) writeRecord(call.session.record);
 * ```
 */
export async function startCallRecording(
  telephony: TelephonyPort,
  call: { callId: string; session: CallSession; log: Logger },
  ctx: { campaignId: string; nowMs: number },
): Promise<boolean> {
  const path = recordingPathFor(ctx.campaignId, call.callId, ctx.nowMs);
  try {
    const result = await telephony.startRecording(call.callId, { path });
    if (!result.ok) {
      call.log.info({ reason: result.reason }, 'recording not started');
      return false;
    }
    call.session.recordingStarted(result.path);
    return true;
  } catch (err) {
    call.log.error({ err, path }, 'recording could not be started: the call goes on unrecorded');
    return false;
  }
}
