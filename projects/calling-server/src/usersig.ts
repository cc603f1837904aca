import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { USER_ID_PATTERN } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';

/**
 * The fixed secret key of `--dev`. Public (it is in this file and the README): a server running
 * with it accepts UserSigs anybody can make. Never use it in production.
 */
export const DEV_SECRET_KEY = 'ngx-trtc-calling-dev-secret-key-DO-NOT-USE-IN-PRODUCTION';

/** userIDs the server accepts: the rule both sides share (Tencent IM's, see `ngx-trtc-calling/wire`). */
export { USER_ID_PATTERN };

/** The fields of a decoded TLS v2 UserSig. */
export interface UserSigClaims {
  readonly identifier: string;
  readonly sdkAppID: number;
  /** Issue time, epoch seconds. */
  readonly time: number;
  /** Lifetime in seconds from `time`. */
  readonly expire: number;
  readonly userbuf?: string;
}

/** Why a UserSig was refused, as a wire code and a log reason. */
export type UserSigFailure = {
  readonly ok: false;
  readonly code:
    | typeof ERR.USERSIG_INVALID
    | typeof ERR.USERSIG_EXPIRED
    | typeof ERR.USERSIG_USER_MISMATCH
    | typeof ERR.SDKAPPID_MISMATCH;
  readonly reason: string;
};

/** Outcome of `verifyUserSig`. */
export type UserSigVerdict =
  | { readonly ok: true; readonly claims: UserSigClaims; /** epoch ms */ readonly expiresAt: number }
  | UserSigFailure;

/** What a UserSig is checked against. */
export interface VerifyOptions {
  readonly sdkAppID: number;
  readonly secretKey: string;
  /** The userID of the login. */
  readonly userID: string;
  /** Epoch ms; defaults to `Date.now()`. */
  readonly now?: number;
  /** Longest accepted UserSig in characters (default 4096). */
  readonly maxLength?: number;
}

// Tencent's base64 variant: '+' → '*', '/' → '-', '=' → '_'.
function escapeBase64(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}
function unescapeBase64(s: string): string {
  return s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function hmacContent(c: UserSigClaims): string {
  return (
    `TLS.identifier:${c.identifier}\n` +
    `TLS.sdkappid:${c.sdkAppID}\n` +
    `TLS.time:${c.time}\n` +
    `TLS.expire:${c.expire}\n` +
    (c.userbuf !== undefined ? `TLS.userbuf:${c.userbuf}\n` : '')
  );
}

function hmac(secretKey: string, claims: UserSigClaims): Buffer {
  return createHmac('sha256', secretKey).update(hmacContent(claims)).digest();
}

/** What `genUserSig` signs. */
export interface GenUserSigOptions {
  readonly sdkAppID: number;
  readonly secretKey: string;
  readonly userID: string;
  /** Lifetime in seconds (default 7 days). */
  readonly expireSeconds?: number;
  /** Epoch ms of issue; defaults to `Date.now()`. */
  readonly now?: number;
}

/**
 * Issues a TLS v2 UserSig, byte-compatible with Tencent's `tls-sig-api-v2` `genUserSig`.
 * Used by `--dev` (`GET /dev/usersig`); production backends issue UserSigs with the official
 * library and the same secret key.
 */
export function genUserSig(o: GenUserSigOptions): string {
  const time = Math.floor((o.now ?? Date.now()) / 1000);
  const expire = o.expireSeconds ?? 7 * 86400;
  const claims: UserSigClaims = { identifier: o.userID, sdkAppID: o.sdkAppID, time, expire };
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': o.userID,
    'TLS.sdkappid': o.sdkAppID,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': hmac(o.secretKey, claims).toString('base64'),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64'));
}

const fail = (code: UserSigFailure['code'], reason: string): UserSigFailure => ({ ok: false, code, reason });

/** The fields of a TLS v2 document: the signed claims, `TLS.ver` and `TLS.sig`, nothing else. */
const TLS_FIELDS = new Set([
  'TLS.ver',
  'TLS.identifier',
  'TLS.sdkappid',
  'TLS.time',
  'TLS.expire',
  'TLS.userbuf',
  'TLS.sig',
]);
/** Canonical standard base64 (padded, zero padding bits are checked by re-encoding). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Bytes of an HMAC-SHA256. */
const SIG_BYTES = 32;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** `text` decoded when it is the canonical base64 of its bytes; undefined otherwise. */
function canonicalBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * The zlib stream `bytes` holds, inflated; undefined when it is not one or when anything follows
 * it (inflate would ignore trailing bytes, which would make a signed UserSig malleable).
 */
function inflateExactly(bytes: Buffer): Buffer | undefined {
  try {
    const { buffer, engine } = inflateSync(bytes, { maxOutputLength: 16 * 1024, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return engine.bytesWritten === bytes.length ? buffer : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a UserSig without checking its signature; undefined when it is not exactly one: the
 * canonical Tencent-escaped base64 of one zlib stream and nothing after it, holding a JSON object
 * with the TLS v2 fields only, each of its type. Anything else is refused, so that a signed UserSig
 * has one spelling (no trailing bytes, no alternative base64, no extra fields ride along).
 */
export function decodeUserSig(userSig: string): (UserSigClaims & { readonly sig: string }) | undefined {
  if (!/^[A-Za-z0-9*_-]+$/.test(userSig)) return undefined;
  const bytes = canonicalBase64(unescapeBase64(userSig));
  const raw = bytes && inflateExactly(bytes);
  if (!raw) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  if (Object.keys(d).some((k) => !TLS_FIELDS.has(k))) return undefined;
  const identifier = d['TLS.identifier'];
  const sdkAppID = d['TLS.sdkappid'];
  const time = d['TLS.time'];
  const expire = d['TLS.expire'];
  const sig = d['TLS.sig'];
  const userbuf = d['TLS.userbuf'];
  if (
    d['TLS.ver'] !== '2.0' ||
    typeof identifier !== 'string' ||
    typeof sig !== 'string' ||
    canonicalBase64(sig)?.length !== SIG_BYTES ||
    !isCount(sdkAppID) ||
    !isCount(time) ||
    !isCount(expire) ||
    (userbuf !== undefined && (typeof userbuf !== 'string' || !canonicalBase64(userbuf)))
  ) {
    return undefined;
  }
  return {
    identifier,
    sdkAppID,
    time,
    expire,
    sig,
    ...(userbuf !== undefined ? { userbuf } : {}),
  };
}

/**
 * Verifies a TLS v2 UserSig: format, HMAC-SHA256 with the secret key (constant-time compare),
 * then SDKAppID, identifier and expiry — in that order, so a forged sig never learns more than
 * `USERSIG_INVALID`. Never throws.
 */
export function verifyUserSig(userSig: string, o: VerifyOptions): UserSigVerdict {
  const maxLength = o.maxLength ?? 4096;
  if (userSig.length === 0) return fail(ERR.USERSIG_INVALID, 'empty');
  if (userSig.length > maxLength) return fail(ERR.USERSIG_INVALID, `longer than ${maxLength}`);
  const decoded = decodeUserSig(userSig);
  if (!decoded) return fail(ERR.USERSIG_INVALID, 'not a TLS v2 UserSig');
  const given = Buffer.from(decoded.sig, 'base64');
  const expected = hmac(o.secretKey, decoded);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(ERR.USERSIG_INVALID, 'signature does not verify');
  }
  if (decoded.sdkAppID !== o.sdkAppID) {
    return fail(ERR.SDKAPPID_MISMATCH, `issued for SDKAppID ${decoded.sdkAppID}`);
  }
  if (!USER_ID_PATTERN.test(decoded.identifier))
    return fail(ERR.USERSIG_INVALID, 'identifier is not a userID');
  if (decoded.identifier !== o.userID) return fail(ERR.USERSIG_USER_MISMATCH, 'issued for another userID');
  const expiresAt = (decoded.time + decoded.expire) * 1000;
  const now = o.now ?? Date.now();
  if (now >= expiresAt)
    return fail(ERR.USERSIG_EXPIRED, `expired ${Math.round((now - expiresAt) / 1000)} s ago`);
  const { sig: _sig, ...claims } = decoded;
  return { ok: true, claims, expiresAt };
}
