import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PacerError } from '../../domain/pacer-error.ts';

export interface SpooledUpload {
  path: string;
  bytes: number;
}

/**
 * Streams an upload to a new file under `dir` without ever holding it in memory, counting bytes.
 * Past `maxBytes` it stops writing, deletes the partial file, lets the rest of the upload drain
 * (so the client still gets an answer, not a reset) and throws VALIDATION_FAILED naming `file`.
 * An upload the client abandons midway throws VALIDATION_FAILED too.
 *
 * @example
 * ```ts
 * const { path, bytes } = await spoolUpload(request.body as Readable, '/var/lib/pacer/uploads', 5 * 2 ** 30);
 * ```
 */
export async function spoolUpload(source: Readable, dir: string, maxBytes: number): Promise<SpooledUpload> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `lead-upload-${randomUUID()}.csv`);
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        source.unpipe(out);
        out.destroy();
        source.resume();
        reject(err instanceof Error ? err : new PacerError('INTERNAL', 'upload failed', { cause: err }));
      };
      source.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          fail(new PacerError('VALIDATION_FAILED', `the file is larger than ${maxBytes} bytes`, { issues: [{ field: 'file', reason: `larger than ${maxBytes} bytes` }] }));
        }
      });
      source.once('error', (err) => fail(new PacerError('VALIDATION_FAILED', 'the upload was interrupted', { cause: err, issues: [{ field: 'file', reason: 'incomplete upload' }] })));
      source.once('close', () => {
        if (!source.readableEnded) fail(new PacerError('VALIDATION_FAILED', 'the upload was interrupted', { issues: [{ field: 'file', reason: 'incomplete upload' }] }));
      });
      out.once('error', fail);
      out.once('finish', () => {
        if (settled) return;
        settled = true;
        resolve();
      });
      source.pipe(out);
    });
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, bytes };
}
