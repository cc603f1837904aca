import { VIDEO_PROFILES } from 'ngx-trtc-calling/core';
import { chooseFallbackDevice, isDevicePresent, toDeviceList } from './device-choice';
import {
  audioConstraints,
  isAccessDeniedError,
  isMissingDeviceError,
  mediaError,
  mediaErrorCode,
  videoConstraints,
} from './media-constraints';
import { isOfferCollision, isPolitePeer, shouldIgnoreOffer, type NegotiationSnapshot } from './polite-peer';
import { volumeFromTimeDomain } from './volume-level';

const domError = (name: string) => Object.assign(new Error(name), { name });

describe('constraints from a profile', () => {
  it('asks for the profile size and frame rate as ideal', () => {
    expect(videoConstraints(VIDEO_PROFILES['720p'])).toEqual({
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 15 },
    });
  });

  it('asks for the chosen camera exactly', () => {
    expect(videoConstraints(VIDEO_PROFILES['240p'], 'cam-2')).toMatchObject({ deviceId: { exact: 'cam-2' } });
  });

  it('asks for the chosen microphone exactly, with voice processing on', () => {
    expect(audioConstraints('mic-1')).toEqual({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      deviceId: { exact: 'mic-1' },
    });
    expect(audioConstraints()).not.toHaveProperty('deviceId');
  });
});

describe('getUserMedia errors', () => {
  it.each([
    ['NotAllowedError', 'audio', 60005],
    ['SecurityError', 'video', 60005],
    ['NotFoundError', 'audio', 60003],
    ['NotFoundError', 'video', 60004],
    ['NotReadableError', 'video', 60004],
    ['OverconstrainedError', 'audio', 60003],
  ] as const)('%s for %s → %d', (name, kind, code) => {
    expect(mediaErrorCode(domError(name), kind)).toBe(code);
    expect(mediaError(domError(name), kind)).toMatchObject({
      code,
      cause: expect.objectContaining({ name }),
    });
  });

  it('tells a missing device from a denial', () => {
    expect(isMissingDeviceError(domError('OverconstrainedError'))).toBe(true);
    expect(isMissingDeviceError(domError('NotFoundError'))).toBe(true);
    expect(isMissingDeviceError(domError('NotAllowedError'))).toBe(false);
    expect(isAccessDeniedError(domError('NotAllowedError'))).toBe(true);
    expect(isAccessDeniedError('nonsense')).toBe(false);
  });
});

describe('devices', () => {
  const list = toDeviceList([
    { deviceId: 'default', kind: 'audioinput', label: 'Default', groupId: 'g1' },
    { deviceId: 'mic-1', kind: 'audioinput', label: 'USB mic', groupId: 'g1' },
    { deviceId: 'cam-1', kind: 'videoinput', label: 'Built-in', groupId: 'g2' },
    { deviceId: 'cam-2', kind: 'videoinput', label: 'USB cam', groupId: '' },
    { deviceId: 'spk-1', kind: 'audiooutput', label: 'Speakers', groupId: 'g3' },
    { deviceId: 'x', kind: 'somethingelse', label: '?' },
  ]);

  it('sorts enumerateDevices output by kind', () => {
    expect(list.microphones.map((d) => d.deviceID)).toEqual(['default', 'mic-1']);
    expect(list.cameras).toEqual([
      { deviceID: 'cam-1', kind: 'camera', label: 'Built-in', groupID: 'g2' },
      { deviceID: 'cam-2', kind: 'camera', label: 'USB cam' },
    ]);
    expect(list.speakers.map((d) => d.kind)).toEqual(['speaker']);
  });

  it('knows which devices are present', () => {
    expect(isDevicePresent(list, 'camera', 'cam-2')).toBe(true);
    expect(isDevicePresent(list, 'camera', 'cam-9')).toBe(false);
    // Without permission IDs are empty: nothing can be said, so assume present.
    const anonymous = toDeviceList([{ deviceId: '', kind: 'videoinput', label: '' }]);
    expect(isDevicePresent(anonymous, 'camera', 'cam-9')).toBe(true);
  });

  describe('chooseFallbackDevice', () => {
    it('prefers the device the user chose when it is back', () => {
      expect(chooseFallbackDevice(list.cameras, 'cam-1', 'cam-2')?.deviceID).toBe('cam-2');
    });
    it('else the browser default', () => {
      expect(chooseFallbackDevice(list.microphones, 'mic-9')?.deviceID).toBe('default');
    });
    it('else another device, never the lost one', () => {
      expect(chooseFallbackDevice(list.cameras, 'cam-1')?.deviceID).toBe('cam-2');
      expect(chooseFallbackDevice(list.cameras, 'cam-2')?.deviceID).toBe('cam-1');
    });
    it('skips the communications pseudo-device when there is a real one', () => {
      const mics = toDeviceList([
        { deviceId: 'communications', kind: 'audioinput', label: 'Comms' },
        { deviceId: 'mic-3', kind: 'audioinput', label: 'Mic 3' },
      ]).microphones;
      expect(chooseFallbackDevice(mics, 'mic-1')?.deviceID).toBe('mic-3');
    });
    it('returns undefined when nothing is left', () => {
      expect(chooseFallbackDevice([], 'cam-1')).toBeUndefined();
      expect(chooseFallbackDevice(list.speakers, 'spk-1')).toBeUndefined();
    });
  });
});

describe('polite peer', () => {
  it('makes exactly one side of a pair polite, and both sides agree', () => {
    expect(isPolitePeer('s2', 's1')).toBe(true);
    expect(isPolitePeer('s1', 's2')).toBe(false);
    for (const [a, b] of [
      ['a', 'b'],
      ['peer-10', 'peer-9'],
      ['x1', 'x10'],
    ] as const) {
      expect(isPolitePeer(a, b)).not.toBe(isPolitePeer(b, a));
    }
  });

  const snapshot = (over: Partial<NegotiationSnapshot>): NegotiationSnapshot => ({
    descriptionType: 'offer',
    makingOffer: false,
    signalingState: 'stable',
    settingRemoteAnswer: false,
    ...over,
  });

  it('sees no collision for an offer in stable state', () => {
    expect(isOfferCollision(snapshot({}))).toBe(false);
    expect(shouldIgnoreOffer(snapshot({}), false)).toBe(false);
  });

  it('sees a collision while we are making or have sent an offer', () => {
    expect(isOfferCollision(snapshot({ makingOffer: true }))).toBe(true);
    expect(isOfferCollision(snapshot({ signalingState: 'have-local-offer' }))).toBe(true);
  });

  it('on a collision, the impolite peer ignores the offer and the polite one accepts it', () => {
    const glare = snapshot({ signalingState: 'have-local-offer' });
    expect(shouldIgnoreOffer(glare, false)).toBe(true);
    expect(shouldIgnoreOffer(glare, true)).toBe(false);
  });

  it('is ready for an offer while the remote answer is being applied', () => {
    expect(
      isOfferCollision(snapshot({ signalingState: 'have-local-offer', settingRemoteAnswer: true })),
    ).toBe(false);
  });

  it('never ignores answers', () => {
    expect(shouldIgnoreOffer(snapshot({ descriptionType: 'answer', makingOffer: true }), false)).toBe(false);
  });
});

describe('volumeFromTimeDomain', () => {
  const wave = (amplitude: number, n = 1024) =>
    Uint8Array.from({ length: n }, (_, i) =>
      Math.round(128 + amplitude * 127 * Math.sin((2 * Math.PI * i) / 64)),
    );

  it('reads silence as 0', () => {
    expect(volumeFromTimeDomain(new Uint8Array(512).fill(128))).toBe(0);
    expect(volumeFromTimeDomain(new Uint8Array(0))).toBe(0);
  });

  it('reads quantisation noise (±1 step) as 0', () => {
    expect(volumeFromTimeDomain(Uint8Array.from({ length: 512 }, (_, i) => (i % 2 ? 129 : 127)))).toBe(0);
  });

  it('reads a full-scale wave near 100 and grows with the amplitude', () => {
    const levels = [0.01, 0.05, 0.2, 0.5, 1].map((a) => volumeFromTimeDomain(wave(a)));
    expect(levels[4]).toBeGreaterThanOrEqual(90);
    expect(levels[4]).toBeLessThanOrEqual(100);
    levels.reduce((previous, level) => {
      expect(level).toBeGreaterThan(previous);
      return level;
    });
  });

  it('puts speech-like levels (−20 dBFS) mid-range', () => {
    const v = volumeFromTimeDomain(wave(0.1 * Math.SQRT2));
    expect(v).toBeGreaterThan(45);
    expect(v).toBeLessThan(70);
  });

  it('stays within 0–100 for any input', () => {
    expect(volumeFromTimeDomain(Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 0 : 255)))).toBe(100);
  });
});
