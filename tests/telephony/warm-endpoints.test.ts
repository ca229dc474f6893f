import { afterEach, describe, expect, it } from 'vitest';
import { validateDrachtioAdapterOptions } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { isPacerError } from '../../src/domain/pacer-error.ts';
import type { OriginateRequest } from '../../src/domain/ports/telephony-port.ts';
import { CallRecorder, uniqueNumber } from '../contract/telephony-port.contract.ts';
import { startDrachtioRig, waitUntil, type DrachtioRig } from './support/drachtio-test-rig.ts';
import type { ScriptedMediaServer } from './support/scripted-media-server.ts';

let rig: DrachtioRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

let seq = 0;
function request(to: string, overrides: Partial<OriginateRequest> = {}): OriginateRequest {
  seq += 1;
  return { callId: `warm-${Date.now().toString(36)}-${seq}`, to, callerId: '+12125550199', ringTimeoutMs: 20_000, amd: { enabled: true }, ...overrides };
}

function media(r: DrachtioRig): ScriptedMediaServer {
  const m = r.media[0];
  if (!m) throw new Error('no media server');
  return m;
}

const live = (m: ScriptedMediaServer): number => m.endpoints.filter((e) => !e.destroyed).length;

async function dial(r: DrachtioRig, script: Parameters<DrachtioRig['double']['script']>[1]): Promise<{ to: string; rec: CallRecorder; req: OriginateRequest }> {
  const to = uniqueNumber();
  r.double.script(to, script);
  const rec = new CallRecorder();
  const req = request(to);
  expect(await r.telephony.originate(req, rec.onEvent)).toEqual({ ok: true });
  return { to, rec, req };
}

describe('drachtio adapter: warm endpoints (mediaServers[].warmEndpoints)', () => {
  it('fills the pool on connect; busy calls reuse warm endpoints and create none', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ warmEndpoints: 3 }] });
    const m = media(rig);
    await waitUntil(() => m.endpoints.length === 3, 'three warm endpoints');
    for (let i = 0; i < 5; i++) {
      const { rec, to } = await dial(rig, { kind: 'reject', status: 486, reason: 'Busy Here', afterMs: 10 });
      await rig.timers.advance(10);
      expect(await rec.terminal()).toMatchObject({ type: 'failed', reason: 'busy', sipCause: 486 });
      expect(rig.double.lastCall(to).invite?.body).toMatch(/s=fs-fs1-ep-[123]/);
    }
    await rig.timers.advance(0);
    expect(m.endpoints).toHaveLength(3);
    expect(live(m)).toBe(3);
    // Idle warm endpoints are not sessions Pacer holds.
    expect(rig.telephony.capacity().freeSessions).toBe(100);
  });

  it('an answered call keeps its endpoint (destroyed at hangup) and the pool refills', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ warmEndpoints: 2 }] });
    const m = media(rig);
    await waitUntil(() => m.endpoints.length === 2, 'two warm endpoints');
    const { rec, req } = await dial(rig, { kind: 'answer', afterMs: 1000 });
    await rec.waitFor('ringing');
    await rig.timers.advance(1000);
    await rec.waitFor('answered');
    await waitUntil(() => m.endpoints.length === 3, 'a refill');
    const used = m.endpoints[0];
    expect(used?.remoteSdps).toHaveLength(1);
    await rig.telephony.hangup(req.callId);
    await rec.terminal();
    await waitUntil(() => used?.destroyed === true, 'the used endpoint destroyed');
    expect(live(m)).toBe(2);
  });

  it('an endpoint that got early media (183 with SDP) is destroyed, not reused, when the call then fails', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ warmEndpoints: 1 }] });
    const m = media(rig);
    await waitUntil(() => m.endpoints.length === 1, 'one warm endpoint');
    const { rec, req } = await dial(rig, { kind: 'answer', afterMs: 5000, earlyMedia: 'other-sdp' });
    await rec.waitFor('ringing');
    await waitUntil(() => (m.endpoints[0]?.remoteSdps.length ?? 0) === 1, 'the early SDP applied');
    await rig.telephony.cancel(req.callId);
    expect(await rec.terminal()).toMatchObject({ type: 'failed', reason: 'cancelled' });
    await waitUntil(() => m.endpoints[0]?.destroyed === true, 'the early-media endpoint destroyed');
    await waitUntil(() => live(m) === 1, 'a fresh warm endpoint');
  });

  it('a warm endpoint FreeSWITCH hangs up while idle is replaced; close() hangs every idle one up', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ warmEndpoints: 2 }] });
    const m = media(rig);
    await waitUntil(() => m.endpoints.length === 2, 'two warm endpoints');
    m.endpoints[0]?.endBySwitch('NORMAL_CLEARING');
    await waitUntil(() => m.endpoints.length === 3, 'a replacement');
    expect(rig.logger.entries.some((r) => r.msg === 'a warm endpoint ended while idle')).toBe(true);
    await rig.close();
    rig = undefined;
    expect(live(m)).toBe(0);
  });

  it('after a media server loss the pool is refilled on reconnect', async () => {
    rig = await startDrachtioRig({ mediaServers: [{ warmEndpoints: 2 }] });
    const m = media(rig);
    await waitUntil(() => m.endpoints.length === 2, 'two warm endpoints');
    m.disconnect();
    for (const e of m.endpoints) e.endBySwitch('ESL_LOST');
    m.reconnect();
    await waitUntil(() => live(m) === 2, 'two new warm endpoints');
    expect(m.endpoints).toHaveLength(4);
  });

  it('without warmEndpoints every call creates its own endpoint and destroys it (the default)', async () => {
    rig = await startDrachtioRig();
    const m = media(rig);
    const { rec } = await dial(rig, { kind: 'reject', status: 486, reason: 'Busy Here', afterMs: 10 });
    await rig.timers.advance(10);
    await rec.terminal();
    await waitUntil(() => m.endpoints[0]?.destroyed === true, 'the endpoint destroyed');
    expect(m.endpoints).toHaveLength(1);
  });

  it('refuses warmEndpoints that is negative, fractional or above maxSessions', () => {
    const base = { drachtio: { host: 'h', port: 9022, secret: 's' }, trunk: { uri: 'sip:c.example.com' }, amd: { engine: 'none' as const, timeoutMs: 5000 }, beep: { engine: 'none' as const } };
    const server = { id: 'fs1', eslHost: 'h', eslPort: 8021, eslSecret: 'x', maxSessions: 10, maxCps: 10, hasModAmd: false, hasModAvmd: false };
    for (const warmEndpoints of [-1, 1.5, 11]) {
      try {
        validateDrachtioAdapterOptions({ ...base, mediaServers: [{ ...server, warmEndpoints }] });
        expect.unreachable(`warmEndpoints ${warmEndpoints} accepted`);
      } catch (err) {
        expect(isPacerError(err, 'CONFIG_INVALID') && err.issues.map((i) => i.field)).toEqual(['telephony.mediaServers[0].warmEndpoints']);
      }
    }
    expect(() => validateDrachtioAdapterOptions({ ...base, mediaServers: [{ ...server, warmEndpoints: 10 }] })).not.toThrow();
  });
});
