import { describe, expect, it } from 'vitest';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import type { RecordingSettings } from '../../../src/domain/campaign/campaign.ts';
import { CallSession, type CallRecordPatch } from '../../../src/domain/call/call-session.ts';
import { AbandonLedger } from '../../../src/domain/compliance/abandon-ledger.ts';
import { createPacingPolicy } from '../../../src/domain/pacing/create-pacing-policy.ts';
import { silentLogger } from '../../../src/domain/ports/logger.ts';
import type { TelephonyPort } from '../../../src/domain/ports/telephony-port.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { CallCoordinator, type CallCoordinatorOptions } from '../../../src/runtime/call-coordinator.ts';

const START_MS = Date.UTC(2026, 6, 1, 14);
const CAMPAIGN = 'c0ffee00-0000-4000-8000-000000000001';

/** The simulated adapter (live person, 10 s talk) with every call into it noted in order. */
function simulated(scheduler: VirtualScheduler): { telephony: TelephonyPort; steps: string[] } {
  const sim = new SimTelephony({ scheduler, seed: 1, bridgeDelayMs: 40, promptMs: 3000, script: () => ({ kind: 'human', ringMs: 0, answerAfterMs: 1000, amdResult: 'human', amdDecisionMs: 0, talkMs: 10_000, beepAfterMs: 1e9, patienceMs: 30_000 }) });
  const steps: string[] = [];
  const telephony: TelephonyPort = {
    originate: (r, onEvent) => sim.originate(r, onEvent),
    cancel: (id) => sim.cancel(id),
    bridge: (id, agentId) => {
      steps.push('bridge');
      return sim.bridge(id, agentId);
    },
    playPrompt: (id, prompt) => {
      steps.push(`prompt ${prompt.file}`);
      return sim.playPrompt(id, prompt);
    },
    startRecording: async (id, options) => {
      const result = await sim.startRecording(id, options);
      steps.push(`record ${options.path} ${result.ok ? 'ok' : result.reason}`);
      return result;
    },
    hangup: (id) => sim.hangup(id),
    agentLogin: (a, onLost) => sim.agentLogin(a, onLost),
    agentLogout: (id) => sim.agentLogout(id),
    capacity: () => sim.capacity(),
    ready: () => sim.ready(),
    close: () => sim.close(),
  };
  return { telephony, steps };
}

function rig(recording: RecordingSettings | undefined) {
  const scheduler = new VirtualScheduler(START_MS);
  const { telephony, steps } = simulated(scheduler);
  const ended: CallRecordPatch[] = [];
  const updates: Readonly<CallRecordPatch>[] = [];
  const options: CallCoordinatorOptions = {
    scheduler,
    telephony,
    policy: createPacingPolicy({ name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' }),
    ledger: new AbandonLedger({ window: '30d', maxAbandonRate: 0.03 }),
    logger: silentLogger,
    listener: {
      onCallEnded: (_id, r) => {
        ended.push(r);
        return Promise.resolve();
      },
      onCallUpdated: (_id, r) => {
        updates.push({ ...r });
        return Promise.resolve();
      },
    },
    abandonMessage: 'id.wav',
    voicemailMessage: null,
    wrapUpLimitMs: 30_000,
    campaignId: CAMPAIGN,
    ...(recording === undefined ? {} : { recording }),
  };
  const c = new CallCoordinator(options);
  const dial = async (callId: string): Promise<void> => {
    const session = new CallSession({ callId, amdEnabled: false, machineAction: 'hangup', beepTimeoutMs: 30_000 }, scheduler.nowMs());
    const sink = c.track(callId, '+16465550100', session, silentLogger);
    await telephony.originate({ callId, to: '+16465550100', callerId: '+12125550199', ringTimeoutMs: 25_000, amd: { enabled: false } }, sink);
  };
  return { scheduler, telephony, steps, ended, updates, c, options, dial };
}

const ON: RecordingSettings = { enabled: true, retentionDays: 90, abandonMessage: true };

describe('CallCoordinator: call recording', () => {
  it('starts recording a bridged call on its bridge, and the record carries <campaignId>/<yyyy-mm-dd>/<callId>.wav', async () => {
    const r = rig(ON);
    await r.telephony.agentLogin({ agentId: 'a1' });
    r.c.setAgentState('a1', 'ready');
    await r.dial('call-1');
    await r.scheduler.advanceBy(60_000);
    await r.c.whenIdle();
    const path = `${CAMPAIGN}/2026-07-01/call-1.wav`;
    expect(r.steps).toEqual(['bridge', `record ${path} ok`]);
    expect(r.ended).toHaveLength(1);
    expect(r.ended[0]).toMatchObject({ outcome: 'human', agentId: 'a1', recordingPath: path });
    // The write-behind got the path as soon as the recording started (before the end).
    expect(r.updates.some((u) => u.recordingPath === path && u.endedAtMs === undefined)).toBe(true);
  });

  it('records an abandoned call before its identification message (abandonMessage on), not when it is off', async () => {
    const on = rig(ON);
    await on.dial('call-2');
    await on.scheduler.advanceBy(60_000);
    await on.c.whenIdle();
    expect(on.steps).toEqual([`record ${CAMPAIGN}/2026-07-01/call-2.wav ok`, 'prompt id.wav']);
    expect(on.ended[0]).toMatchObject({ abandoned: true, messagePlayed: true, recordingPath: `${CAMPAIGN}/2026-07-01/call-2.wav` });

    const off = rig({ ...ON, abandonMessage: false });
    await off.dial('call-3');
    await off.scheduler.advanceBy(60_000);
    await off.c.whenIdle();
    expect(off.steps).toEqual(['prompt id.wav']);
    expect(off.ended[0]?.recordingPath).toBeUndefined();
  });

  it('records nothing when the campaign has recording off (the default), and follows a settings change for the next calls', async () => {
    const r = rig({ enabled: false, retentionDays: 90, abandonMessage: true });
    await r.telephony.agentLogin({ agentId: 'a1' });
    r.c.setAgentState('a1', 'ready');
    await r.dial('call-4');
    await r.scheduler.advanceBy(60_000);
    await r.c.whenIdle();
    expect(r.steps).toEqual(['bridge']);
    expect(r.ended[0]?.recordingPath).toBeUndefined();
    // What the runner does when new settings are applied at its next tick.
    r.options.recording = ON;
    r.c.endWrapUp('a1', 'ready');
    await r.dial('call-5');
    await r.scheduler.advanceBy(60_000);
    await r.c.whenIdle();
    expect(r.ended[1]).toMatchObject({ recordingPath: `${CAMPAIGN}/2026-07-01/call-5.wav` });
  });

  it('a recording the port cannot start leaves the call going on, unrecorded', async () => {
    const r = rig(ON);
    r.telephony.startRecording = () => Promise.reject(new Error('uuid_record refused'));
    await r.telephony.agentLogin({ agentId: 'a1' });
    r.c.setAgentState('a1', 'ready');
    await r.dial('call-6');
    await r.scheduler.advanceBy(60_000);
    await r.c.whenIdle();
    expect(r.ended[0]).toMatchObject({ outcome: 'human', agentId: 'a1' });
    expect(r.ended[0]?.recordingPath).toBeUndefined();
  });
});
