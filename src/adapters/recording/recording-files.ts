import { createReadStream, type ReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { isSafeRecordingPath } from '../../domain/call/recording-path.ts';

/**
 * The recordings on Pacer's side of the shared volume (`PACER_RECORDINGS_DIR`): FreeSWITCH writes
 * `<campaignId>/<yyyy-mm-dd>/<callId>.wav` under its own view of the same directory. Only safe
 * relative references (`isSafeRecordingPath`) are ever resolved, and only inside the root.
 *
 * @example
 * ```ts
 * const files = new RecordingFiles('/recordings');
 * const file = await files.open('c-1/2026-07-01/a-9.wav'); // undefined when missing
 * ```
 */
export class RecordingFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute file of a reference; undefined for an unsafe one. */
  fileOf(path: string): string | undefined {
    if (!isSafeRecordingPath(path)) return undefined;
    const file = resolve(this.root, path);
    return file.startsWith(this.root + sep) ? file : undefined;
  }

  /** A read stream and the size of the file, or undefined when it is not there (or the reference is unsafe). */
  async open(path: string): Promise<{ stream: ReadStream; bytes: number } | undefined> {
    const file = this.fileOf(path);
    if (file === undefined) return undefined;
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      return { stream: createReadStream(file), bytes: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Deletes the file; a file already gone is fine. Throws on other failures (permissions, ...). */
  async remove(path: string): Promise<void> {
    const file = this.fileOf(path);
    if (file === undefined) return;
    await rm(file, { force: true });
  }
}
