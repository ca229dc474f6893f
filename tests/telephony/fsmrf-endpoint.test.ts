import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/ports/clock.ts';
import { isPacerError } from '../../src/domain/pacer-error.ts';
import { AVMD_BEEP_EVENT, AVMD_START_ARGS, FsmrfMediaServer, MOD_AMD_EVENT, amdArgument, amdDecisionFrom } from '../../src/adapters/telephony/drachtio/fsmrf-media-server.ts';
import type { MediaEndpoint } from '../../src/adapters/telephony/drachtio/media-server-port.ts';
import { createSrfClient } from '../../src/adapters/telephony/drachtio/srf-client.ts';
import { FakeEslEvent, FakeMediaServer, FakeMrf, type FakeEndpoint } from './support/fake-fsmrf.ts';
import { ManualTimers } from './support/manual-timers.ts';
import { recordingLogger } from './support/recording-logger.ts';

/**
 * FsmrfMediaServer / its endpoints over a fake of drachtio-fsmrf: the calls the wrapper makes and
 * how it maps what FreeSWITCH answers. The ESL events use the shapes of the module sources
 * (mod_amd: seanbright/mod_amd, webitel/mod_amd, rtckit/mod_amd; mod_avmd: signalwire/freeswitch).
 */

const OPTIONS = { id: 'fs1', eslHost: '10.0.0.7', eslPort: 8021, eslSecret: 'ClueCon', profile: 'drachtio_mrf', maxSessions: 10, maxCps: 5, hasModAmd: true, hasModAvmd: true };

let server: FsmrfMediaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function connected(): Promise<{ fs: FsmrfMediaServer; ms: FakeMediaServer; mrf: FakeMrf; timers: ManualTimers; logger: ReturnType<typeof recordingLogger>; changes: boolean[] }> {
  const mrf = new FakeMrf();
  const ms = new FakeMediaServer();
  mrf.outcomes.push(ms);
  const timers = new ManualTimers(new ManualClock(0));
  const logger = recordingLogger();
  const fs = new FsmrfMediaServer(OPTIONS, { srf: createSrfClient(), logger, timers, mrf, reconnect: { initialDelayMs: 100, maxDelayMs: 400 } });
  server = fs;
  const changes: boolean[] = [];
  fs.onConnectionChange((up) => changes.push(up));
  fs.start();
  await timers.advance(0);
  return { fs, ms, mrf, timers, logger, changes };
}

async function endpoint(): Promise<{ ep: MediaEndpoint; fake: FakeEndpoint; ms: FakeMediaServer; logger: ReturnType<typeof recordingLogger> }> {
  const { fs, ms, logger } = await connected();
  const ep = await fs.createEndpoint();
  const fake = ms.endpoints[0];
  if (!fake) throw new Error('no endpoint created');
  return { ep, fake, ms, logger };
}

/** Lets promise callbacks run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FsmrfMediaServer over drachtio-fsmrf', () => {
  it('connects with the configured ESL address and reports load from the heartbeat', async () => {
    const { fs, ms, mrf, changes } = await connected();
    expect(mrf.connects).toEqual([{ address: '10.0.0.7', port: 8021, secret: 'ClueCon', profile: 'drachtio_mrf' }]);
    expect(fs.connected()).toBe(true);
    expect(changes).toEqual([true]);
    expect(fs.stats()).toEqual({ maxSessions: 0, currentSessions: 0 });
    ms.maxSessions = 1000;
    ms.currentSessions = 12;
    expect(fs.stats()).toEqual({ maxSessions: 1000, currentSessions: 12 });
  });

  it('reports a dropped ESL connection, refuses endpoints meanwhile, and reconnects with backoff', async () => {
    const { fs, ms, mrf, timers, changes } = await connected();
    ms.drop();
    expect(changes).toEqual([true, false]);
    expect(fs.connected()).toBe(false);
    await expect(fs.createEndpoint()).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
    const again = new FakeMediaServer();
    mrf.outcomes.push(again);
    await timers.advance(100);
    expect(mrf.connects).toHaveLength(2);
    expect(changes).toEqual([true, false, true]);
    expect(fs.connected()).toBe(true);
  });

  it('close() disconnects, stops retrying, and drops a connection that completes after it', async () => {
    const { fs, ms, mrf, timers, logger } = await connected();
    ms.emit('error', new Error('ESL parse error'));
    expect(logger.entries.some((e) => e.level === 'warn' && e.msg === 'media server connection error')).toBe(true);
    ms.maxSessions = Number.NaN;
    expect(fs.stats()).toEqual({ maxSessions: 0, currentSessions: 0 });
    ms.drop();
    await fs.close();
    expect(timers.pending).toBe(0);
    await timers.advance(1_000);
    expect(mrf.connects).toHaveLength(1);

    // A connection still being set up when close() is called is disconnected when it completes.
    let release: (server: FakeMediaServer) => void = () => undefined;
    const pending = new Promise<FakeMediaServer>((resolve) => (release = resolve));
    const lateServer = new FakeMediaServer();
    const fs2 = new FsmrfMediaServer(OPTIONS, { srf: createSrfClient(), logger, timers, mrf: { connect: () => pending } });
    fs2.start();
    await fs2.close();
    release(lateServer);
    await timers.advance(0);
    expect(lateServer.up).toBe(false);
    expect(fs2.connected()).toBe(false);
  });

  it('creates 3pcc endpoints (no SDP) or endpoints answering a remote SDP, and exposes uuid and local SDP', async () => {
    const { fs, ms } = await connected();
    const offer = await fs.createEndpoint();
    const answer = await fs.createEndpoint({ remoteSdp: 'v=0 remote' });
    expect(ms.createOptions).toEqual([{}, { remoteSdp: 'v=0 remote' }]);
    expect(offer.uuid).toBe('uuid-1');
    expect(answer.uuid).toBe('uuid-2');
    expect(offer.localSdp).toBe(ms.endpoints[0]?.local.sdp);
    ms.createError = new Error('503 Service Unavailable');
    await expect(fs.createEndpoint()).rejects.toThrow('503');
  });
});

describe('FsmrfEndpoint: media operations', () => {
  it('modify re-INVITEs FreeSWITCH and resolves with the new local SDP', async () => {
    const { ep, fake } = await endpoint();
    const before = ep.localSdp;
    const sdp = await ep.modify('v=0 callee');
    expect(fake.calls.find((c) => c.method === 'modify')?.args).toEqual(['v=0 callee']);
    expect(sdp).toBe(fake.local.sdp);
    expect(sdp).not.toBe(before);
  });

  it('sets channel variables with the set application, one by one', async () => {
    const { ep, fake } = await endpoint();
    await ep.setVariables({ park_after_bridge: 'true', hangup_after_bridge: 'false' });
    expect(fake.executed()).toEqual([
      { app: 'set', arg: 'park_after_bridge=true' },
      { app: 'set', arg: 'hangup_after_bridge=false' },
    ]);
  });

  it('bridges with uuid_bridge to the other endpoint and passes a refusal on', async () => {
    const { fs, ms } = await connected();
    const customer = await fs.createEndpoint();
    const agent = await fs.createEndpoint();
    const fake = ms.endpoints[0];
    await customer.bridge(agent);
    expect(fake?.calls.find((c) => c.method === 'bridge')?.args).toEqual([agent.uuid]);
    if (fake) fake.bridgeError = new Error('-ERR no such channel');
    await expect(customer.bridge(agent)).rejects.toThrow('no such channel');
  });

  it('plays a file and passes "File Not Found" on', async () => {
    const { ep, fake } = await endpoint();
    expect(await ep.play('/usr/local/freeswitch/sounds/pacer/vm.wav')).toEqual({ playedMs: 2000 });
    expect(fake.calls.find((c) => c.method === 'play')?.args).toEqual(['/usr/local/freeswitch/sounds/pacer/vm.wav']);
    fake.playError = new Error('File Not Found');
    await expect(ep.play('/missing.wav')).rejects.toThrow('File Not Found');
  });

  it('reports the hangup cause when FreeSWITCH ends the channel, UNKNOWN when the ESL connection ends', async () => {
    const { ep, fake } = await endpoint();
    const causes: string[] = [];
    ep.onEnded((cause) => causes.push(cause));
    fake.emit('destroy', { reason: 'NORMAL_CLEARING' });
    fake.emit('destroy');
    expect(causes).toEqual(['NORMAL_CLEARING', 'UNKNOWN']);
    await ep.destroy();
    expect(fake.calls.some((c) => c.method === 'destroy')).toBe(true);
  });

  it('tears a bridged channel down with uuid_kill through the API, not only the queued hangup', async () => {
    const { ep, fake } = await endpoint();
    fake.hangup = 'blocked';
    await ep.destroy();
    expect(fake.calls.filter((c) => c.method === 'api')).toEqual([{ method: 'api', args: ['uuid_kill', [fake.uuid, 'NORMAL_CLEARING']] }]);
    await ep.destroy(); // idempotent: nothing more is sent
    expect(fake.calls.filter((c) => c.method === 'api')).toHaveLength(1);
  });

  it('bounds destroy(): rejects with TELEPHONY_UNAVAILABLE when FreeSWITCH never hangs up', async () => {
    const { fs, ms, timers } = await connected();
    const ep = await fs.createEndpoint();
    const fake = ms.endpoints[0];
    if (!fake) throw new Error('no endpoint created');
    fake.hangup = 'never';
    const outcome = ep.destroy().then(
      () => 'resolved',
      (err: unknown) => (isPacerError(err, 'TELEPHONY_UNAVAILABLE') ? 'unavailable' : 'other'),
    );
    await flush();
    await timers.advance(4999);
    await timers.advance(1);
    expect(await outcome).toBe('unavailable');
  });
});

describe('FsmrfEndpoint: AMD (mod_amd)', () => {
  it('passes per-call parameters space-separated, as the non-blocking builds parse them', () => {
    expect(amdArgument({ initial_silence: 2500, greeting: 1500, total_analysis_time: 5000 })).toBe('initial_silence=2500 greeting=1500 total_analysis_time=5000');
    expect(amdArgument({})).toBe('');
  });

  it('blocking build: reads the decision from the CHANNEL_EXECUTE_COMPLETE channel variables', async () => {
    const { ep, fake } = await endpoint();
    fake.executeScripts.set('amd', () => ({ variable_amd_result: 'MACHINE', variable_amd_cause: 'LONGGREETING' }));
    await expect(ep.startAmd({ greeting: 1500 })).resolves.toEqual({ result: 'machine', cause: 'LONGGREETING' });
    expect(fake.executed()).toEqual([{ app: 'amd', arg: 'greeting=1500' }]);
    expect(fake.listenerCount(MOD_AMD_EVENT)).toBe(0);
  });

  it('non-blocking build: waits for the amd::info event fired with the channel data', async () => {
    const { ep, fake } = await endpoint();
    let decided: unknown;
    void ep.startAmd({}).then((d) => (decided = d));
    await flush();
    expect(fake.executed()).toEqual([{ app: 'amd', arg: '' }]);
    expect(decided).toBeUndefined();
    expect(fake.subscribed.has(MOD_AMD_EVENT)).toBe(true);
    // A decision event of another channel never reaches this endpoint (the Unique-ID filter).
    expect(fake.fireCustom(MOD_AMD_EVENT, { 'Unique-ID': 'other', variable_amd_result: 'MACHINE' })).toBe(false);
    fake.fireCustom(MOD_AMD_EVENT, { 'Unique-ID': fake.uuid, variable_amd_result: 'HUMAN', variable_amd_cause: 'SILENCEAFTERGREETING', variable_amd_result_epoch: '1700000000' });
    await flush();
    expect(decided).toEqual({ result: 'human', cause: 'SILENCEAFTERGREETING' });
    expect(fake.listenerCount(MOD_AMD_EVENT)).toBe(0);
  });

  it('non-blocking build: an execute-complete without amd_result (getHeader null) waits for amd::info', async () => {
    const { ep, fake } = await endpoint();
    expect(amdDecisionFrom(new FakeEslEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE' }))).toBeUndefined();
    expect(amdDecisionFrom(new FakeEslEvent({ variable_amd_result: ' ' }))).toBeUndefined();
    const pending = ep.startAmd({});
    await flush();
    fake.fireCustom(MOD_AMD_EVENT, { 'Unique-ID': fake.uuid, variable_amd_result: 'MACHINE', variable_amd_cause: 'MAXWORDS' });
    await expect(pending).resolves.toEqual({ result: 'machine', cause: 'MAXWORDS' });
  });

  it('maps NOTSURE (analysis time over) to unknown with its cause, and a bare result to its own cause', async () => {
    const { ep, fake } = await endpoint();
    const pending = ep.startAmd({});
    await flush();
    fake.fireCustom(MOD_AMD_EVENT, { 'Unique-ID': fake.uuid, variable_amd_result: 'NOTSURE', variable_amd_cause: 'TOOLONG' });
    await expect(pending).resolves.toEqual({ result: 'unknown', cause: 'TOOLONG' });
    fake.executeScripts.set('amd', () => ({ 'AMD-Result': 'HUMAN' }));
    await expect(ep.startAmd({})).resolves.toEqual({ result: 'human', cause: 'HUMAN' });
  });

  it('ignores events without a decision, and the legacy subclass "amd" that it never subscribes to', async () => {
    const { ep, fake } = await endpoint();
    let decided = false;
    void ep.startAmd({}).then(() => (decided = true));
    await flush();
    fake.fireCustom(MOD_AMD_EVENT, { 'Unique-ID': fake.uuid });
    expect(fake.fireCustom('amd', { 'Unique-ID': fake.uuid, 'AMD-Result': 'MACHINE', 'AMD-Cause': 'MAXWORDS' })).toBe(false);
    await flush();
    expect(decided).toBe(false);
  });

  it('rejects with TELEPHONY_UNAVAILABLE (cause kept) when the application cannot run', async () => {
    const { ep, fake } = await endpoint();
    const failure = new Error('endpoint no longer active');
    fake.executeScripts.set('amd', () => failure);
    const err: unknown = await ep.startAmd({}).catch((e: unknown) => e);
    expect(isPacerError(err, 'TELEPHONY_UNAVAILABLE')).toBe(true);
    expect(err instanceof Error ? err.cause : undefined).toBe(failure);
    expect(fake.listenerCount(MOD_AMD_EVENT)).toBe(0);
  });
});

describe('FsmrfEndpoint: beep detection (mod_avmd)', () => {
  it('starts avmd for both channel directions and reports the first avmd::beep once, then stops avmd', async () => {
    const { ep, fake } = await endpoint();
    let beeps = 0;
    await ep.startBeepDetection(() => (beeps += 1));
    expect(AVMD_START_ARGS).toBe('inbound_channel=1,outbound_channel=1');
    expect(fake.executed()).toEqual([{ app: 'avmd_start', arg: AVMD_START_ARGS }]);
    expect(fake.subscribed.has(AVMD_BEEP_EVENT)).toBe(true);
    const beep = { 'Unique-ID': fake.uuid, 'Call-command': 'avmd', 'Beep-Status': 'DETECTED', Frequency: '1000.000000', 'Frequency-variance': '0.000010' };
    fake.fireCustom(AVMD_BEEP_EVENT, beep);
    fake.fireCustom(AVMD_BEEP_EVENT, beep);
    await flush();
    expect(beeps).toBe(1);
    expect(fake.executed().at(-1)).toEqual({ app: 'avmd_stop', arg: undefined });
  });

  it('ignores avmd events that are not a detected beep', async () => {
    const { ep, fake } = await endpoint();
    let beeps = 0;
    await ep.startBeepDetection(() => (beeps += 1));
    fake.fireCustom(AVMD_BEEP_EVENT, { 'Unique-ID': fake.uuid, 'Beep-Status': 'NOTDETECTED' });
    expect(fake.fireCustom('avmd::start', { 'Unique-ID': fake.uuid })).toBe(false);
    expect(beeps).toBe(0);
  });

  it('logs a failed avmd_stop, and rejects with TELEPHONY_UNAVAILABLE when avmd_start fails', async () => {
    const { ep, fake, logger } = await endpoint();
    fake.executeScripts.set('avmd_stop', () => new Error('endpoint no longer active'));
    let beeps = 0;
    await ep.startBeepDetection(() => (beeps += 1));
    fake.fireCustom(AVMD_BEEP_EVENT, { 'Unique-ID': fake.uuid, 'Beep-Status': 'DETECTED' });
    await flush();
    expect(beeps).toBe(1);
    expect(logger.entries.some((e) => e.level === 'warn' && e.msg === 'stopping beep detection failed')).toBe(true);
    fake.executeScripts.set('avmd_start', () => new Error('-ERR no such application'));
    await expect(ep.startBeepDetection(() => undefined)).rejects.toSatisfy((e) => isPacerError(e, 'TELEPHONY_UNAVAILABLE'));
  });
});
