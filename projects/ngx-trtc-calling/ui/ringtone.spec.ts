import { requestNotificationPermission } from './call-attention';
import { generatedRingtone, RingtonePlayback } from './ringtone';

describe('generatedRingtone', () => {
  it('is one 3-second ring cycle as an 8 kHz 8-bit mono PCM WAV, made once', () => {
    const url = generatedRingtone();
    expect(generatedRingtone()).toBe(url);
    const bytes = Uint8Array.from(atob(url.replace('data:audio/wav;base64,', '')), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    const text = (at: number, n: number) => String.fromCharCode(...bytes.slice(at, at + n));
    expect(text(0, 4)).toBe('RIFF');
    expect(text(8, 8)).toBe('WAVEfmt ');
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint16(34, true)).toBe(8);
    expect(text(36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(3 * 8000);
    expect(bytes.length).toBe(44 + 3 * 8000);
    // Sound in the first burst, silence at the end of the cycle.
    const burst = bytes.slice(44 + 800, 44 + 1600);
    expect(Math.max(...burst) - Math.min(...burst)).toBeGreaterThan(100);
    expect(new Set(bytes.slice(bytes.length - 8000))).toEqual(new Set([128]));
  });
});

describe('RingtonePlayback.urlOf', () => {
  it('takes a URL, calls a function for one, and has none for a player or silence', () => {
    expect(RingtonePlayback.urlOf('/ring.mp3')).toBe('/ring.mp3');
    expect(RingtonePlayback.urlOf(() => '/made.wav')).toBe('/made.wav');
    expect(RingtonePlayback.urlOf({ start: () => undefined, stop: () => undefined })).toBeNull();
    expect(RingtonePlayback.urlOf(null)).toBeNull();
  });
});

describe('requestNotificationPermission', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['Notification'];
  });

  it('is "unsupported" without the Notification API (a server render, an old browser)', async () => {
    await expect(requestNotificationPermission()).resolves.toBe('unsupported');
  });

  it('asks only while the user has not decided', async () => {
    const requestPermission = jest.fn().mockResolvedValue('granted');
    (globalThis as Record<string, unknown>)['Notification'] = { permission: 'default', requestPermission };
    await expect(requestNotificationPermission()).resolves.toBe('granted');
    expect(requestPermission).toHaveBeenCalledTimes(1);

    (globalThis as Record<string, unknown>)['Notification'] = { permission: 'denied', requestPermission };
    await expect(requestNotificationPermission()).resolves.toBe('denied');
    expect(requestPermission).toHaveBeenCalledTimes(1);
  });
});
