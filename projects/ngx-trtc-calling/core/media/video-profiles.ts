/** Named video profiles, as in trtc-js-sdk 4.x (PROTOCOL.md §4.4). */
export type VideoProfileName = '240p' | '360p' | '480p' | '720p' | '1080p';

/** A concrete capture/encoding profile. `bitrate` in kbps. */
export interface VideoProfile {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly bitrate: number;
}

/** The profile table of trtc-js-sdk 4.15.22. */
export const VIDEO_PROFILES: Readonly<Record<VideoProfileName, VideoProfile>> = {
  '240p': { width: 320, height: 240, frameRate: 15, bitrate: 400 },
  '360p': { width: 640, height: 360, frameRate: 15, bitrate: 800 },
  '480p': { width: 640, height: 480, frameRate: 15, bitrate: 900 },
  '720p': { width: 1280, height: 720, frameRate: 15, bitrate: 1500 },
  '1080p': { width: 1920, height: 1080, frameRate: 15, bitrate: 2000 },
};

/** The default profile (the reference's `_quality`). */
export const DEFAULT_VIDEO_PROFILE: VideoProfileName = '480p';

/** Whether `value` names a profile of the table. */
export function isVideoProfileName(value: unknown): value is VideoProfileName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(VIDEO_PROFILES, value);
}

/** Whether `value` is a usable custom profile (positive finite numbers). */
export function isVideoProfile(value: unknown): value is VideoProfile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (['width', 'height', 'frameRate', 'bitrate'] as const).every(
    (k) => typeof v[k] === 'number' && Number.isFinite(v[k]) && (v[k] as number) > 0,
  );
}
