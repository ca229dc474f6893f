import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordingPathFor } from '../../src/domain/call/recording-path.ts';
import { expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';
import { CARRIER, skipLive, sleep, startLiveRig, liveEnv, type LiveRig } from './support/live-stack.ts';
import { readWav } from './support/wav-file.ts';

/**
 * Call recording on the real stack (../shared/live-stack, FreeSWITCH with config/freeswitch): a human
 * call bridged to the echoing SIPp agent phone for ~4 s is recorded with the adapter's
 * `startRecording` (uuid_record into `$PACER_LIVE_DIR/fs/recordings`, FreeSWITCH's recordings
 * directory in that stack), hung up, and the WAV FreeSWITCH closed at hang-up must say 8 kHz, last
 * the bridged time within 1 s, and hold audio (not silence) on both channels: the carrier's speech
 * (left) and what the callee heard, the agent phone's echo (right).
 */
const BRIDGED_MS = 4000;
/** A 16-bit sample above this is audio, not silence or comfort noise (the carrier's speech peaks far higher). */
const SILENCE_PEAK = 500;

describe.skipIf(skipLive)('live recording: a bridged call is recorded to an 8 kHz WAV of its length, with audio', () => {
  let rig: LiveRig | undefined;
  const live = (): LiveRig => {
    if (!rig) throw new Error('the live rig did not start');
    return rig;
  };
  const recordingsDir = (): string => join(liveEnv().liveDir, 'fs', 'recordings');

  beforeAll(async () => {
    rig = await startLiveRig({ recordingsDir: recordingsDir() });
    expect(await rig.probe.channelCount(), 'FreeSWITCH channels before the suite').toBe(0);
  }, 30_000);

  afterEach(async () => {
    await rig?.cleanup();
  }, 20_000);

  afterAll(async () => {
    await rig?.finish(8000);
  }, 30_000);

  it('records ~4 s bridged to the agent phone: the file exists once hung up, 8 kHz, its length within 1 s, not silence', async () => {
    const r = live();
    const agentUuid = await r.loginAgent('agent-rec');
    const call = await r.dial(CARRIER.human);
    await call.rec.waitFor('answered', 10_000);
    expect(await r.telephony.bridge(call.callId, 'agent-rec')).toEqual({ ok: true });
    const bridged = await call.rec.waitFor('bridged');
    const path = recordingPathFor('live-campaign', call.callId, bridged.atMs);
    expect(await r.telephony.startRecording(call.callId, { path })).toEqual({ ok: true, path });
    await sleep(BRIDGED_MS);
    await r.telephony.hangup(call.callId);
    const end = await call.rec.terminal(10_000);
    expectValidCompleteSequence(call.rec.events);
    const bridgedMs = end.atMs - bridged.atMs;
    // FreeSWITCH closes (and finishes the header of) the file when the channel is hung up.
    await r.probe.hangupOf(call.uuid());
    const file = join(recordingsDir(), path);
    const deadline = Date.now() + 3000;
    let wav = await readWav(file).catch(() => undefined);
    while ((wav === undefined || wav.dataBytes === 0) && Date.now() < deadline) {
      await sleep(100);
      wav = await readWav(file).catch(() => undefined);
    }
    expect((await stat(file)).isFile(), `${file} exists`).toBe(true);
    if (wav === undefined) throw new Error(`${file} is not a readable WAV`);
    expect(wav.sampleRate, 'WAV header sample rate').toBe(8000);
    expect(wav.format, 'PCM').toBe(1);
    expect(wav.channels, 'stereo: callee left, what the callee heard right').toBe(2);
    expect(Math.abs(wav.durationMs - bridgedMs), `recorded ${Math.round(wav.durationMs)} ms for ${bridgedMs} ms bridged`).toBeLessThanOrEqual(1000);
    expect(wav.peakByChannel[0] ?? 0, "the callee's speech (left channel)").toBeGreaterThan(SILENCE_PEAK);
    expect(wav.peakByChannel[1] ?? 0, 'what the callee heard: the agent phone echo (right channel)').toBeGreaterThan(SILENCE_PEAK);
    await r.probe.expectOnlyChannels([agentUuid]);
    await r.telephony.agentLogout('agent-rec');
    await r.probe.expectNoChannels();
  }, 60_000);
});
