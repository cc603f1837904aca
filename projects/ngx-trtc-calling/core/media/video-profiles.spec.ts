import { isVideoProfile, isVideoProfileName, VIDEO_PROFILES } from './video-profiles';

describe('video profiles', () => {
  it('matches the trtc-js-sdk 4.15 table', () => {
    expect(VIDEO_PROFILES['480p']).toEqual({ width: 640, height: 480, frameRate: 15, bitrate: 900 });
    expect(Object.keys(VIDEO_PROFILES)).toEqual(['240p', '360p', '480p', '720p', '1080p']);
  });

  it('recognises profile names and custom profiles', () => {
    expect(isVideoProfileName('720p')).toBe(true);
    expect(isVideoProfileName('4k')).toBe(false);
    expect(isVideoProfileName('toString')).toBe(false);
    expect(isVideoProfile({ width: 1, height: 1, frameRate: 1, bitrate: 1 })).toBe(true);
    expect(isVideoProfile({ width: 0, height: 1, frameRate: 1, bitrate: 1 })).toBe(false);
    expect(isVideoProfile(null)).toBe(false);
  });
});
