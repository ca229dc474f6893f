/**
 * A valid 8 kHz, 16-bit mono PCM WAV of `ms` milliseconds of silence: what the simulated adapter
 * writes as a call's "recording" when it is given a recordings directory (the demo's downloads).
 */
export function silentWav(ms: number): Buffer {
  const rate = 8000;
  const samples = Math.max(0, Math.round((rate * ms) / 1000));
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}
