import { isPacerError, type FieldIssue } from '../../domain/pacer-error.ts';
import { validateDrachtioAdapterOptions, type DrachtioAdapterOptions } from '../../adapters/telephony/drachtio/drachtio-adapter-options.ts';

/** Setting readers of the config loader, so the telephony settings follow the same rules. */
export interface SettingReaders<K extends string> {
  str(key: K): string | null;
  num(key: K, fallback: number, check: (n: number) => boolean, rule: string): number;
  oneOf<T extends string>(key: K, allowed: readonly T[], fallback: T): T;
  fieldOf(key: K): string;
  issues: FieldIssue[];
}

export const TELEPHONY_SETTINGS = {
  drachtioUrl: 'DRACHTIO_URL',
  freeswitchUrl: 'FREESWITCH_URL',
  trunkUri: 'PACER_TRUNK_URI',
  trunkProxy: 'PACER_TRUNK_PROXY',
  trunkUsername: 'PACER_TRUNK_USERNAME',
  trunkPassword: 'PACER_TRUNK_PASSWORD',
  amdEngine: 'PACER_AMD_ENGINE',
  amdTimeoutMs: 'PACER_AMD_TIMEOUT_MS',
  beepEngine: 'PACER_BEEP_ENGINE',
  mediaMaxSessions: 'PACER_MEDIA_MAX_SESSIONS',
  mediaMaxCps: 'PACER_MEDIA_MAX_CPS',
  mediaWarmEndpoints: 'PACER_MEDIA_WARM_ENDPOINTS',
  mediaListenAddress: 'PACER_MEDIA_LISTEN_ADDRESS',
  mediaAdvertisedAddress: 'PACER_MEDIA_ADVERTISED_ADDRESS',
  fsRecordingsDir: 'PACER_FS_RECORDINGS_DIR',
} as const;
export type TelephonySettingKey = keyof typeof TELEPHONY_SETTINGS;

function parseUrl(text: string, protocol: string): URL | undefined {
  try {
    const u = new URL(text);
    return u.protocol === protocol ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The drachtio/FreeSWITCH adapter options from `DRACHTIO_URL` (`drachtio://<secret>@host:9022`),
 * `FREESWITCH_URL` (`esl://<password>@host:8021`, several separated by commas), the trunk and the
 * AMD settings, `PACER_MEDIA_LISTEN_ADDRESS` / `PACER_MEDIA_ADVERTISED_ADDRESS` for FreeSWITCH's
 * connections back to Pacer. Null unless `PACER_TELEPHONY=drachtio`; then the URLs and the trunk are required.
 */
export function readDrachtioOptions<K extends string>(r: SettingReaders<K | TelephonySettingKey>, enabled: boolean): DrachtioAdapterOptions | null {
  const drachtioText = r.str('drachtioUrl');
  const freeswitchText = r.str('freeswitchUrl');
  const trunkUri = r.str('trunkUri');
  const amdEngine = r.oneOf('amdEngine', ['mod_amd', 'none'] as const, 'mod_amd');
  const beepEngine = r.oneOf('beepEngine', ['mod_avmd', 'none'] as const, 'mod_avmd');
  const amdTimeoutMs = r.num('amdTimeoutMs', 5_000, (n) => Number.isInteger(n) && n >= 500 && n <= 60_000, 'must be an integer 500-60000');
  const maxSessions = r.num('mediaMaxSessions', 500, (n) => Number.isInteger(n) && n >= 1, 'must be a positive integer');
  const maxCps = r.num('mediaMaxCps', 30, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'must be an integer 1-10000');
  // Idle endpoints kept ready per media server; busy/unanswered calls give theirs back (0: off).
  const warmEndpoints = r.num('mediaWarmEndpoints', 0, (n) => Number.isInteger(n) && n >= 0 && n <= maxSessions, 'must be an integer 0-PACER_MEDIA_MAX_SESSIONS');
  // Where FreeSWITCH's outbound ESL connections reach Pacer (drachtio-fsmrf's listen address and
  // the one it advertises in X-esl-outbound); unset: fsmrf picks the host's first non-loopback IPv4.
  const listenAddress = r.str('mediaListenAddress');
  const advertisedAddress = r.str('mediaAdvertisedAddress');
  // Where FreeSWITCH writes recordings, as FreeSWITCH sees it (unset: its own recordings_dir).
  const recordingsDir = r.str('fsRecordingsDir');
  if (!enabled) return null;
  const missing = (key: TelephonySettingKey, what: string): null => {
    r.issues.push({ field: r.fieldOf(key), reason: `required with PACER_TELEPHONY=drachtio: ${what}` });
    return null;
  };
  const drachtio = drachtioText === null ? missing('drachtioUrl', 'drachtio://<secret>@host:9022') : parseUrl(drachtioText, 'drachtio:');
  if (drachtioText !== null && drachtio === undefined) r.issues.push({ field: r.fieldOf('drachtioUrl'), reason: 'must look like drachtio://<secret>@host:9022' });
  const mediaUrls = freeswitchText === null ? (missing('freeswitchUrl', 'esl://<password>@host:8021[,...]'), []) : freeswitchText.split(',').map((t) => t.trim());
  const mediaServers = mediaUrls.flatMap((text, i) => {
    const u = parseUrl(text, 'esl:');
    if (u === undefined || u.hostname === '') {
      r.issues.push({ field: `${r.fieldOf('freeswitchUrl')}[${i}]`, reason: 'must look like esl://<password>@host:8021' });
      return [];
    }
    return [{ id: `fs${i + 1}`, eslHost: u.hostname, eslPort: Number(u.port || 8021), eslSecret: decodeURIComponent(u.password || u.username || 'ClueCon'), maxSessions, maxCps, ...(warmEndpoints === 0 ? {} : { warmEndpoints }), hasModAmd: amdEngine === 'mod_amd', hasModAvmd: beepEngine === 'mod_avmd', ...(listenAddress === null ? {} : { listenAddress }), ...(advertisedAddress === null ? {} : { advertisedAddress }) }];
  });
  if (trunkUri === null) missing('trunkUri', 'the carrier trunk, e.g. sip:{to}@carrier.example.com');
  if (drachtio === null || drachtio === undefined || trunkUri === null || mediaServers.length === 0) return null;
  const proxy = r.str('trunkProxy');
  const username = r.str('trunkUsername');
  const password = r.str('trunkPassword');
  const options: DrachtioAdapterOptions = {
    drachtio: { host: drachtio.hostname, port: Number(drachtio.port || 9022), secret: decodeURIComponent(drachtio.username || drachtio.password || 'cymru') },
    mediaServers,
    trunk: { uri: trunkUri, ...(proxy === null ? {} : { proxy }), ...(username !== null && password !== null ? { auth: { username, password } } : {}) },
    amd: { engine: amdEngine, timeoutMs: amdTimeoutMs },
    beep: { engine: beepEngine },
    ...(recordingsDir === null ? {} : { recordingsDir }),
  };
  // The adapter's own checks (URI forms, limits), reported now under the setting names.
  try {
    validateDrachtioAdapterOptions(options);
  } catch (err) {
    if (!isPacerError(err, 'CONFIG_INVALID')) throw err;
    const fields: Record<string, TelephonySettingKey> = { 'telephony.trunk.uri': 'trunkUri', 'telephony.trunk.proxy': 'trunkProxy', 'telephony.recordingsDir': 'fsRecordingsDir' };
    for (const issue of err.issues) {
      const key = fields[issue.field];
      r.issues.push({ field: key === undefined ? issue.field : r.fieldOf(key), reason: issue.reason });
    }
    return null;
  }
  return options;
}
