/*
 * Public API of ngx-trtc-calling/janus: the media of self-hosted calls that the calling-server
 * places on a Janus VideoRoom. Loaded lazily by `webRtcMedia({ sfu: () => import('ngx-trtc-calling/janus') })`
 * (or `withSelfHosted({ janus: true })`), so that apps on the mesh carry none of it.
 */
export { JanusSfu, type JanusSfuOptions } from './janus-sfu';
export type { JanusWebSocketConstructor } from './janus-client';
import type { SfuEngine } from 'ngx-trtc-calling/webrtc';
import { JanusSfu, type JanusSfuOptions } from './janus-sfu';

/** Creates the Janus VideoRoom engine (what the `sfu` loader of `webRtcMedia` returns). */
export function createSfuEngine(options?: JanusSfuOptions): SfuEngine {
  return new JanusSfu(options);
}
