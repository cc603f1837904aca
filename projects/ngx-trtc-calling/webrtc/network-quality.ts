import type { NetworkQuality } from 'ngx-trtc-calling/core';

/** What the quality of one direction of a link is judged on (`null`: not measured yet). */
export interface LinkMetrics {
  readonly rttMs: number | null;
  /** Fraction of packets lost over the last interval, 0–1. */
  readonly packetLoss: number | null;
  readonly jitterMs: number | null;
}

/**
 * The upper bounds (exclusive) of each level of TRTC's scale; a metric at or above the last row
 * is 5 (very poor). The worst metric decides. Chosen to match what people notice in a call:
 * below 100 ms round trip, 1 % loss and 20 ms jitter nothing is audible; past 500 ms, 15 % or
 * 100 ms a conversation breaks down. ARCHITECTURE.md ("Browser media") has this table.
 */
export const QUALITY_LEVELS: readonly {
  readonly quality: 1 | 2 | 3 | 4;
  readonly rttMs: number;
  readonly packetLoss: number;
  readonly jitterMs: number;
}[] = [
  { quality: 1, rttMs: 100, packetLoss: 0.01, jitterMs: 20 },
  { quality: 2, rttMs: 200, packetLoss: 0.03, jitterMs: 40 },
  { quality: 3, rttMs: 300, packetLoss: 0.08, jitterMs: 60 },
  { quality: 4, rttMs: 500, packetLoss: 0.15, jitterMs: 100 },
];

/**
 * TRTC's 0–6 network quality of one link direction: 6 when the connection is `failed`,
 * `disconnected` or `closed`; 0 while nothing is measured; otherwise the level of the worst
 * metric in `QUALITY_LEVELS` (5 beyond the table).
 */
export function networkQualityOf(metrics: LinkMetrics, connection: RTCPeerConnectionState): NetworkQuality {
  if (connection === 'failed' || connection === 'disconnected' || connection === 'closed') return 6;
  let worst: NetworkQuality = 0;
  for (const key of ['rttMs', 'packetLoss', 'jitterMs'] as const) {
    const value = metrics[key];
    if (value === null || !Number.isFinite(value)) continue;
    const level = QUALITY_LEVELS.find((row) => value < row[key])?.quality ?? 5;
    if (level > worst) worst = level;
  }
  return worst;
}
