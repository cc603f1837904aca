import type { CallEngine } from './engine';

/**
 * Instant answer: the call just started ringing here, so the media engine enters its room
 * receive-only while the user decides (`MediaEngine.prepare`), and Accept finds ICE and DTLS
 * done. Nothing is captured or sent before Accept; the call's end (reject, cancel, timeout,
 * answered elsewhere) leaves the room again through `MediaSession.leave`. A prepare that fails
 * costs nothing but the head start: Accept joins as it would have.
 */
export function prepareRinging(engine: CallEngine): void {
  const call = engine.call;
  if (!engine.instantAnswer || call?.direction !== 'incoming') return;
  engine.media
    .prepare(call.callID)
    .catch((error) =>
      engine.log.warn('instant answer: the room could not be prepared; Accept joins it', error),
    );
}
