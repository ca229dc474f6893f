/**
 * Where a call's recording lives, relative to the recordings directory:
 * `<campaignId>/<yyyy-mm-dd>/<callId>.wav`, the date being the UTC day the recording started.
 * FreeSWITCH writes it under its own recordings directory (the adapter's `recordingsDir`); Pacer
 * reads it from `PACER_RECORDINGS_DIR` (the same volume).
 *
 * @example
 * ```ts
 * recordingPathFor('c-1', 'a-9', Date.UTC(2026, 6, 1, 14)); // 'c-1/2026-07-01/a-9.wav'
 * ```
 */
export function recordingPathFor(campaignId: string, callId: string, atMs: number): string {
  const day = new Date(atMs).toISOString().slice(0, 10);
  return `${campaignId}/${day}/${callId}.wav`;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Whether `path` is a safe relative recording reference: `/`-separated segments of letters, digits,
 * `.`, `_` and `-` (none empty, none starting with a dot, so no `..`), ending in `.wav`. Anything
 * else (absolute, `..`, backslashes, spaces that FreeSWITCH's API would split on) is refused.
 */
export function isSafeRecordingPath(path: string): boolean {
  if (path.length === 0 || path.length > 512 || !path.endsWith('.wav')) return false;
  return path.split('/').every((segment) => SEGMENT.test(segment));
}
