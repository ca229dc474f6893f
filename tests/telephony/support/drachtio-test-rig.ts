import { ManualClock } from '../../../src/domain/ports/clock.ts';
import { DrachtioTelephony } from '../../../src/adapters/telephony/drachtio/drachtio-telephony.ts';
import type { DrachtioAdapterOptions, MediaServerOptions } from '../../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { createSrfClient } from '../../../src/adapters/telephony/drachtio/srf-client.ts';
import { DrachtioServerDouble } from './drachtio-server-double.ts';
import { ManualTimers } from './manual-timers.ts';
import { recordingLogger } from './recording-logger.ts';
import { ScriptedMediaServer } from './scripted-media-server.ts';

export interface DrachtioRig {
  telephony: DrachtioTelephony;
  double: DrachtioServerDouble;
  media: ScriptedMediaServer[];
  timers: ManualTimers;
  clock: ManualClock;
  logger: ReturnType<typeof recordingLogger>;
  options: DrachtioAdapterOptions;
  close(): Promise<void>;
}

/** Resolves once `predicate` holds, polling on the event loop; fails after 3 s of real time. */
export async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The drachtio adapter wired to the real drachtio-srf library, a scripted drachtio-server on a
 * local TCP port and scripted media servers, all on one manual clock.
 */
export async function startDrachtioRig(
  overrides: { mediaServers?: Partial<MediaServerOptions>[]; amd?: Partial<DrachtioAdapterOptions['amd']>; trunkUri?: string; closeTimeoutMs?: number; recordingsDir?: string } = {},
): Promise<DrachtioRig> {
  const clock = new ManualClock(1_700_000_000_000);
  const timers = new ManualTimers(clock);
  const secret = 'cymru';
  const double = await DrachtioServerDouble.start({ secret, timers });
  const serverOptions = (overrides.mediaServers ?? [{}]).map(
    (o, i): MediaServerOptions => ({ id: `fs${i + 1}`, eslHost: '127.0.0.1', eslPort: 8021, eslSecret: 'ClueCon', maxSessions: 100, maxCps: 50, hasModAmd: true, hasModAvmd: true, ...o }),
  );
  const options: DrachtioAdapterOptions = {
    drachtio: { host: '127.0.0.1', port: double.port, secret, reconnectMaxDelayMs: 20 },
    mediaServers: serverOptions,
    trunk: { uri: overrides.trunkUri ?? 'sip:carrier.example.com:5060' },
    amd: { engine: 'mod_amd', timeoutMs: 6000, ...overrides.amd },
    beep: { engine: 'mod_avmd' },
    ...(overrides.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: overrides.closeTimeoutMs }),
    ...(overrides.recordingsDir === undefined ? {} : { recordingsDir: overrides.recordingsDir }),
  };
  const media = serverOptions.map((o) => new ScriptedMediaServer(o.id, timers));
  const logger = recordingLogger();
  const srf = createSrfClient();
  const telephony = new DrachtioTelephony(options, { clock, logger, timers }, { srf, mediaServers: media });
  telephony.start();
  await waitUntil(() => telephony.ready(), 'the adapter to be ready');
  return {
    telephony,
    double,
    media,
    timers,
    clock,
    logger,
    options,
    async close() {
      await telephony.close();
      await double.close();
    },
  };
}
