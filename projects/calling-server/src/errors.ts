import type { WIRE_ERROR, WireErrorCode } from '../../ngx-trtc-calling/webrtc/wire';

/**
 * Wire error codes, mirrored from `wire.ts`, which the server imports as types only (the bundle
 * stays free of the library). `satisfies typeof WIRE_ERROR` makes the compiler reject any missing,
 * extra or different code, so the two tables cannot drift apart.
 */
export const ERR = {
  BAD_FRAME: 4000,
  UNKNOWN_TYPE: 4001,
  NOT_LOGGED_IN: 4002,
  ALREADY_LOGGED_IN: 4003,
  USERSIG_INVALID: 4010,
  USERSIG_EXPIRED: 4011,
  USERSIG_USER_MISMATCH: 4012,
  SDKAPPID_MISMATCH: 4013,
  INVALID_USER_ID: 4014,
  FRAME_TOO_LARGE: 4020,
  RATE_LIMITED: 4021,
  TOO_MANY_INVITEES: 4022,
  TOO_MANY_SESSIONS: 4023,
  TOO_MANY_ROOMS: 4024,
  TOO_MANY_CONNECTIONS: 4025,
  ROOM_FULL: 4026,
  TOO_MANY_GROUPS: 4027,
  GROUP_FULL: 4028,
  UNKNOWN_TARGET: 4030,
  NOT_A_MEMBER: 4031,
  GROUP_EXISTS: 4032,
  INTERNAL: 4500,
} as const satisfies typeof WIRE_ERROR;

/** Name of a wire error code, e.g. `'RATE_LIMITED'` (used as a metrics label and in logs). */
export type WireErrorName = keyof typeof ERR;

const NAMES = new Map<number, WireErrorName>(
  (Object.keys(ERR) as WireErrorName[]).map((name) => [ERR[name], name]),
);

/** The name of a wire error code (`'UNKNOWN'` for a number that is none). */
export function errorName(code: number): WireErrorName | 'UNKNOWN' {
  return NAMES.get(code) ?? 'UNKNOWN';
}

/**
 * A request refused with a wire error code. Handlers throw it; the dispatcher turns it into an
 * `error` frame for the request's id. Anything else thrown is a bug and becomes `INTERNAL`.
 */
export class WireError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** A configuration value that is missing, malformed or inconsistent. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
