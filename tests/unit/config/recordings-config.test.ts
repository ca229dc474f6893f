import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config/load-config.ts';
import { isPacerError } from '../../../src/domain/pacer-error.ts';

const empty = mkdtempSync(join(tmpdir(), 'pacer-config-'));
const DRACHTIO = { PACER_TELEPHONY: 'drachtio', DRACHTIO_URL: 'drachtio://cymru@127.0.0.1:9022', FREESWITCH_URL: 'esl://ClueCon@127.0.0.1:8021', PACER_TRUNK_URI: 'sip:{to}@carrier.example.com' };

function issuesOf(fn: () => unknown): { field: string; reason: string }[] {
  try {
    fn();
  } catch (err) {
    if (isPacerError(err, 'CONFIG_INVALID')) return [...err.issues];
    throw err;
  }
  return [];
}

describe('recording configuration', () => {
  it('reads recordings from <dataDir>/recordings unless PACER_RECORDINGS_DIR says otherwise (relative to the working directory)', () => {
    expect(loadConfig({ env: { PACER_DATA_DIR: '/var/pacer' }, configDir: empty, cwd: '/srv' }).recordingsDir).toBe('/var/pacer/recordings');
    expect(loadConfig({ env: { PACER_RECORDINGS_DIR: 'rec' }, configDir: empty, cwd: '/srv' }).recordingsDir).toBe('/srv/rec');
  });

  it('refuses a PACER_RECORDINGS_DIR that is a file or has spaces, naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pacer-rec-')), 'not-a-dir');
    writeFileSync(file, 'x');
    expect(issuesOf(() => loadConfig({ env: { PACER_RECORDINGS_DIR: file }, configDir: empty }))).toEqual([{ field: 'PACER_RECORDINGS_DIR', reason: `not a directory: ${file}` }]);
    expect(issuesOf(() => loadConfig({ env: { PACER_RECORDINGS_DIR: '/a b' }, configDir: empty })).map((i) => i.field)).toEqual(['PACER_RECORDINGS_DIR']);
  });

  it("passes PACER_FS_RECORDINGS_DIR (FreeSWITCH's view of the volume) to the drachtio adapter, absolute only", () => {
    expect(loadConfig({ env: { ...DRACHTIO, PACER_FS_RECORDINGS_DIR: '/recordings' }, configDir: empty }).drachtio?.recordingsDir).toBe('/recordings');
    expect(loadConfig({ env: DRACHTIO, configDir: empty }).drachtio?.recordingsDir).toBeUndefined();
    expect(issuesOf(() => loadConfig({ env: { ...DRACHTIO, PACER_FS_RECORDINGS_DIR: 'recordings' }, configDir: empty }))).toEqual([{ field: 'PACER_FS_RECORDINGS_DIR', reason: 'must be an absolute path without spaces' }]);
  });
});
