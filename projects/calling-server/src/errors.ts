import { WIRE_ERROR, type WireErrorCode } from 'ngx-trtc-calling/wire';

/**
 * Wire error codes: the table of `ngx-trtc-calling/wire` itself (a DOM-free, dependency-free
 * entry, so bundling it adds nothing else of the library to the server). The server's codes lie
 * in 4000–4899, the `wire` range of core's `ERROR_CODE_RANGES`; core's `callingErrorReason`
 * gives each a reason for apps.
 */
export const ERR = WIRE_ERROR;

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
