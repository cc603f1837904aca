import { createInviteID, createRoomID } from './ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createInviteID', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns lower-case RFC 4122 version-4 UUIDs, all different', () => {
    const ids = Array.from({ length: 1000 }, () => createInviteID());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes its randomness from crypto.getRandomValues and sets the version and variant bits', () => {
    const fill = (byte: number) =>
      jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((array) => {
        new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(byte);
        return array;
      });
    fill(0x00);
    expect(createInviteID()).toBe('00000000-0000-4000-8000-000000000000');
    fill(0xff);
    expect(createInviteID()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('createRoomID', () => {
  it('maps the random source onto 1..100000000, never 0', () => {
    expect(createRoomID(() => 0)).toBe(1);
    expect(createRoomID(() => 0.5)).toBe(50_000_001);
    expect(createRoomID(() => 0.9999999999)).toBe(100_000_000);
  });

  it('clamps a misbehaving random source into range', () => {
    expect(createRoomID(() => 1)).toBe(100_000_000);
    expect(createRoomID(() => 7)).toBe(100_000_000);
    expect(createRoomID(() => -3)).toBe(1);
    expect(createRoomID(() => Number.NaN)).toBe(1);
    expect(createRoomID(() => Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('draws from crypto.getRandomValues by default, never Math.random', () => {
    const random = jest.spyOn(Math, 'random');
    const draws = [0, 123_456_789, 4_199_999_999, 4_200_000_000, 0xffff_ffff, 7];
    const source = jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((array) => {
      (array as Uint32Array)[0] = draws.shift() ?? 0;
      return array;
    });
    expect(createRoomID()).toBe(1);
    expect(createRoomID()).toBe(23_456_790);
    expect(createRoomID()).toBe(100_000_000);
    // 4.2e9 and above would favour the low IDs (2^32 is no multiple of 1e8): drawn again.
    expect(createRoomID()).toBe(8);
    expect(source).toHaveBeenCalledTimes(6);
    expect(random).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });

  it('yields integers in range by default', () => {
    for (let i = 0; i < 1000; i++) {
      const room = createRoomID();
      expect(Number.isInteger(room)).toBe(true);
      expect(room).toBeGreaterThanOrEqual(1);
      expect(room).toBeLessThanOrEqual(100_000_000);
    }
  });
});
