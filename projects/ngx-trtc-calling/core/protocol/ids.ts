/** Largest room ID `createRoomID` returns (the reference's `Math.random() * 1e8` range). */
const MAX_ROOM_ID = 100_000_000;

/**
 * A fresh invitation ID: a lower-case RFC 4122 version-4 UUID, like the one TSignaling creates
 * for every INVITE.
 *
 * Built from `crypto.getRandomValues` rather than `crypto.randomUUID`, because browsers expose
 * `randomUUID` only in secure contexts (https/localhost) while `getRandomValues` is everywhere.
 */
export function createInviteID(): string {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new Error('createInviteID needs Web Crypto (globalThis.crypto.getRandomValues)');
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // Indices 6 and 8 exist: the array has 16 bytes.
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10xx (RFC 4122)
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Largest multiple of `MAX_ROOM_ID` that fits 32 bits: draws at or above it are drawn again. */
const UNBIASED_LIMIT = Math.floor(2 ** 32 / MAX_ROOM_ID) * MAX_ROOM_ID;

/**
 * A random TRTC room ID in 1..100 000 000.
 *
 * The reference uses `Math.round(Math.random() * 1e8)`, which can yield 0 — not a valid TRTC
 * room and read as "no room" by group receivers (§3.3) — so this one starts at 1. By default it
 * draws from `crypto.getRandomValues`: a room ID must not be predictable from earlier ones
 * (`Math.random` is not a CSPRNG), and a 32-bit draw at or above the largest multiple of 1e8 is
 * drawn again, so that every ID is equally likely.
 *
 * @param random Uniform source in [0, 1) used instead of Web Crypto; injectable for tests.
 *   Out-of-range values are clamped.
 */
export function createRoomID(random?: () => number): number {
  if (!random) return 1 + (secureUint32Below(UNBIASED_LIMIT) % MAX_ROOM_ID);
  const value = random();
  const unit = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  return Math.min(MAX_ROOM_ID, 1 + Math.floor(unit * MAX_ROOM_ID));
}

/** A uniform 32-bit value below `limit`, from Web Crypto (rejection sampling). */
function secureUint32Below(limit: number): number {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new Error('createRoomID needs Web Crypto (globalThis.crypto.getRandomValues)');
  }
  const draw = new Uint32Array(1);
  for (;;) {
    const value = crypto.getRandomValues(draw)[0] ?? 0;
    if (value < limit) return value;
  }
}
