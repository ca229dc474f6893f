import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createDrachtioTelephony, type DrachtioTelephony } from '../../src/adapters/telephony/drachtio/drachtio-telephony.ts';
import type { DrachtioAdapterOptions } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { CallRecorder, expectValidCompleteSequence } from '../contract/telephony-port.contract.ts';

/**
 * Against a live stack (docker compose: drachtio-server + FreeSWITCH media server):
 *   DRACHTIO_URL=drachtio://cymru@127.0.0.1:9022 FREESWITCH_URL=esl://ClueCon@127.0.0.1:8021 npx vitest run tests/telephony/live.test.ts
 * Optional: LIVE_TRUNK_URI (default sip:{to}@127.0.0.1:5080, FreeSWITCH's external profile) and
 * LIVE_CALL_TO (an E.164 number the trunk answers; without it only failure paths are dialled).
 */
const missing = ['DRACHTIO_URL', 'FREESWITCH_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.info(`telephony live suite skipped: ${missing.join(' and ')} not set (needs a running drachtio-server and FreeSWITCH)`);
}

function options(): DrachtioAdapterOptions {
  const drachtio = new URL(process.env.DRACHTIO_URL ?? '');
  return {
    drachtio: { host: drachtio.hostname, port: Number(drachtio.port || 9022), secret: decodeURIComponent(drachtio.username) },
    mediaServers: (process.env.FREESWITCH_URL ?? '').split(',').map((raw, i) => {
      const url = new URL(raw.trim());
      return { id: `fs${i + 1}`, eslHost: url.hostname, eslPort: Number(url.port || 8021), eslSecret: decodeURIComponent(url.username), maxSessions: 100, maxCps: 10, hasModAmd: false, hasModAvmd: true };
    }),
    trunk: { uri: process.env.LIVE_TRUNK_URI ?? 'sip:{to}@127.0.0.1:5080' },
    amd: { engine: 'none', timeoutMs: 5000 },
    beep: { engine: 'mod_avmd' },
  };
}

describe.skipIf(missing.length > 0)('drachtio adapter against a live drachtio-server and FreeSWITCH', () => {
  let telephony: DrachtioTelephony;

  beforeAll(async () => {
    telephony = createDrachtioTelephony(options(), { clock: { nowMs: () => Date.now() }, logger: pino({ level: 'warn' }) });
    const deadline = Date.now() + 15_000;
    while (!telephony.ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }, 20_000);
  afterAll(async () => {
    await telephony.close();
  });

  it('connects to both and reports capacity', () => {
    expect(telephony.ready()).toBe(true);
    expect(telephony.capacity().freeSessions).toBeGreaterThan(0);
  });

  it('places a call that ends with exactly one terminal event', async () => {
    const to = process.env.LIVE_CALL_TO ?? '+19995550100';
    const rec = new CallRecorder();
    const callId = `live-${Date.now()}`;
    expect(await telephony.originate({ callId, to, callerId: '+12125550199', ringTimeoutMs: 15_000, amd: { enabled: true } }, rec.onEvent)).toEqual({ ok: true });
    const first = await Promise.race([rec.waitFor('answered', 20_000), rec.terminal(20_000)]);
    if (first.type === 'answered') await telephony.hangup(callId);
    await rec.terminal(5000);
    expectValidCompleteSequence(rec.events);
  }, 30_000);
});
