import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsmrfMediaServer } from '../../src/adapters/telephony/drachtio/fsmrf-media-server.ts';
import { createSrfClient } from '../../src/adapters/telephony/drachtio/srf-client.ts';
import { validateDrachtioAdapterOptions } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { SimTelephony } from '../../src/adapters/telephony/sim/sim-telephony.ts';
import { ManualClock } from '../../src/domain/ports/clock.ts';
import { isPacerError } from '../../src/domain/pacer-error.ts';
import { isSafeRecordingPath, recordingPathFor } from '../../src/domain/call/recording-path.ts';
import { VirtualScheduler } from '../../src/domain/time/virtual-scheduler.ts';
import { CallRecorder, uniqueNumber } from '../contract/telephony-port.contract.ts';
import { FakeMediaServer, FakeMrf } from './support/fake-fsmrf.ts';
import { ManualTimers } from './support/manual-timers.ts';
import { recordingLogger } from './support/recording-logger.ts';
import { startDrachtioRig, type DrachtioRig } from './support/drachtio-test-rig.ts';

const OPTIONS = { id: 'fs1', eslHost: '10.0.0.7', eslPort: 8021, eslSecret: 'ClueCon', maxSessions: 10, maxCps: 5, hasModAmd: true, hasModAvmd: true };

let rig: DrachtioRig | undefined;
let server: FsmrfMediaServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fsmrfEndpoint() {
  const mrf = new FakeMrf();
  const ms = new FakeMediaServer();
  mrf.outcomes.push(ms);
  const timers = new ManualTimers(new ManualClock(0));
  server = new FsmrfMediaServer(OPTIONS, { srf: createSrfClient(), logger: recordingLogger(), timers, mrf });
  server.start();
  await timers.advance(0);
  const ep = await server.createEndpoint();
  const fake = ms.endpoints[0];
  if (!fake) throw new Error('no endpoint');
  return { ep, fake };
}

describe('recording paths', () => {
  it('names a recording <campaignId>/<yyyy-mm-dd>/<callId>.wav (UTC day) and refuses unsafe references', () => {
    expect(recordingPathFor('c-1', 'a-9', Date.UTC(2026, 6, 1, 23, 59))).toBe('c-1/2026-07-01/a-9.wav');
    expect(isSafeRecordingPath('c-1/2026-07-01/a-9.wav')).toBe(true);
    for (const bad of ['', '/abs/x.wav', '../x.wav', 'a/../x.wav', 'a//x.wav', 'a b.wav', 'a\\x.wav', 'x.mp3', '.hidden/x.wav']) expect(isSafeRecordingPath(bad), bad).toBe(false);
  });
});

describe('FreeSWITCH endpoint: startRecording', () => {
  it('sets stereo 8 kHz with no minimum length, then uuid_record start under FreeSWITCH recordings_dir (relative path)', async () => {
    const { ep, fake } = await fsmrfEndpoint();
    await ep.startRecording('c-1/2026-07-01/a-9.wav');
    const api = fake.calls.filter((c) => c.method === 'api').map((c) => c.args);
    expect(api).toEqual([
      ['global_getvar', 'recordings_dir'],
      ['uuid_setvar_multi', `${fake.uuid} RECORD_STEREO=true;record_sample_rate=8000;RECORD_MIN_SEC=0`],
      ['uuid_record', `${fake.uuid} start /var/lib/freeswitch/recordings/c-1/2026-07-01/a-9.wav`],
    ]);
  });

  it('uses an absolute path as it is and reports a refusal as TELEPHONY_UNAVAILABLE', async () => {
    const { ep, fake } = await fsmrfEndpoint();
    await ep.startRecording('/recordings/c/d/x.wav');
    expect(fake.calls.filter((c) => c.method === 'api').map((c) => c.args[0])).toEqual(['uuid_setvar_multi', 'uuid_record']);
    fake.apiReplies.set('uuid_record', '-ERR Cannot open file');
    await expect(ep.startRecording('/recordings/c/d/y.wav')).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
  });
});

describe('drachtio adapter: startRecording', () => {
  it('records the callee endpoint under recordingsDir, once per call', async () => {
    rig = await startDrachtioRig({ recordingsDir: '/srv/recordings/' });
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'answer', afterMs: 1000 });
    const rec = new CallRecorder();
    const callId = `rec-${Date.now()}`;
    await rig.telephony.originate({ callId, to, callerId: '+12125550199', ringTimeoutMs: 20_000, amd: { enabled: false } }, rec.onEvent);
    await rec.waitFor('ringing');
    await rig.timers.advance(1000);
    await rec.waitFor('answered');
    await expect(rig.telephony.startRecording(callId, { path: `c/2026-07-01/${callId}.wav` })).resolves.toEqual({ ok: true, path: `c/2026-07-01/${callId}.wav` });
    await expect(rig.telephony.startRecording(callId, { path: 'c/2026-07-01/other.wav' })).resolves.toEqual({ ok: true, path: `c/2026-07-01/${callId}.wav` });
    expect(rig.media[0]?.endpoints[0]?.recordings).toEqual([`/srv/recordings/c/2026-07-01/${callId}.wav`]);
  });

  it('validates recordingsDir: absolute, no spaces', () => {
    const base = { drachtio: { host: 'h', port: 9022, secret: 's' }, mediaServers: [OPTIONS], trunk: { uri: 'sip:c.example.com' }, amd: { engine: 'mod_amd' as const, timeoutMs: 5000 }, beep: { engine: 'none' as const } };
    expect(() => validateDrachtioAdapterOptions({ ...base, recordingsDir: '/recordings' })).not.toThrow();
    for (const recordingsDir of ['recordings', '/a b']) {
      expect(() => validateDrachtioAdapterOptions({ ...base, recordingsDir })).toThrow(/telephony.recordingsDir/);
    }
  });
});

describe('simulated adapter: startRecording', () => {
  it('writes a short valid 8 kHz WAV under its recordingsDir when it has one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pacer-sim-rec-'));
    dirs.push(dir);
    const scheduler = new VirtualScheduler(Date.UTC(2026, 6, 1, 14));
    const sim = new SimTelephony({ scheduler, seed: 1, recordingsDir: dir, script: () => ({ kind: 'human', ringMs: 0, answerAfterMs: 100, amdResult: 'human', amdDecisionMs: 0, talkMs: 60_000, beepAfterMs: 1e9, patienceMs: 60_000 }) });
    const rec = new CallRecorder();
    await sim.originate({ callId: 'sim-1', to: '+12125550100', callerId: '+12125550199', ringTimeoutMs: 20_000, amd: { enabled: false } }, rec.onEvent);
    await scheduler.advanceBy(200);
    expect(rec.types()).toContain('answered');
    await expect(sim.startRecording('sim-1', { path: 'c/2026-07-01/sim-1.wav' })).resolves.toEqual({ ok: true, path: 'c/2026-07-01/sim-1.wav' });
    const wav = await readFile(join(dir, 'c/2026-07-01/sim-1.wav'));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.length).toBe(44 + 8000);
  });
});
