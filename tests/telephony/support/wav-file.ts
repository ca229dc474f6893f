import { readFile } from 'node:fs/promises';

/** What a WAV file's header says, and its samples (16-bit PCM only). */
export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  durationMs: number;
  /** Largest absolute sample per channel (16-bit PCM). */
  peakByChannel: number[];
}

/** Parses a RIFF/WAVE file chunk by chunk (fmt and data; other chunks are skipped). */
export async function readWav(file: string): Promise<WavInfo> {
  const buf = await readFile(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a RIFF/WAVE file`);
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let data: { start: number; bytes: number } | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    if (id === 'data') data = { start: body, bytes: Math.min(size, buf.length - body) };
    offset = body + size + (size % 2);
  }
  if (fmt === undefined || data === undefined) throw new Error(`${file}: no fmt or data chunk`);
  const frameBytes = fmt.channels * (fmt.bitsPerSample / 8);
  const peakByChannel = Array.from({ length: fmt.channels }, () => 0);
  if (fmt.format === 1 && fmt.bitsPerSample === 16) {
    for (let at = data.start; at + frameBytes <= data.start + data.bytes; at += frameBytes) {
      for (let ch = 0; ch < fmt.channels; ch++) {
        const v = Math.abs(buf.readInt16LE(at + ch * 2));
        if (v > (peakByChannel[ch] ?? 0)) peakByChannel[ch] = v;
      }
    }
  }
  return { ...fmt, dataBytes: data.bytes, durationMs: (data.bytes / frameBytes / fmt.sampleRate) * 1000, peakByChannel };
}
