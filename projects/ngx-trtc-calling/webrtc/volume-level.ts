/** Levels below one 8-bit step (−42 dBFS) are quantisation noise and read as silence. */
const FLOOR = 1 / 128;
/** The level that reads as 0 … 100 runs from −48 dBFS to 0 dBFS. */
const RANGE_DB = 48;

/**
 * A 0–100 volume from `AnalyserNode.getByteTimeDomainData` samples (128 = silence): the RMS
 * level on a decibel scale, so that speech sits mid-range instead of near zero.
 *
 * @example volumeFromTimeDomain(new Uint8Array(512).fill(128)) // 0
 */
export function volumeFromTimeDomain(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) {
    const v = (sample - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= FLOOR) return 0;
  const db = 20 * Math.log10(Math.min(1, rms));
  return Math.round(Math.max(0, Math.min(1, (db + RANGE_DB) / RANGE_DB)) * 100);
}
