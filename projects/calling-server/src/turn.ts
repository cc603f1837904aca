import { createHmac } from 'node:crypto';
import type { OkResults, WireIceServer } from 'ngx-trtc-calling/wire';

/** What the server needs to issue ICE servers (the TURN part of `ServerConfig`). */
export interface IceServerConfig {
  /** coturn's `static-auth-secret`; unset: no TURN credentials are issued. */
  readonly turnSecret?: string;
  /** `turn:`/`turns:` URLs the credentials are for. */
  readonly turnUrls?: readonly string[];
  /** `stun:`/`stuns:` URLs, handed out without credentials. */
  readonly stunUrls?: readonly string[];
  /** How long an issued credential is valid, seconds. */
  readonly turnTtlSeconds: number;
}

/** One TURN REST credential (coturn `use-auth-secret`). */
export interface TurnCredential {
  /** `<expiry unix seconds>:<userID>`: coturn refuses it after the expiry. */
  readonly username: string;
  /** base64(HMAC-SHA1(secret, username)), the password coturn derives from the shared secret. */
  readonly credential: string;
}

/** URL schemes of RFC 7064/7065; anything else in a TURN or STUN list is a configuration mistake. */
export const TURN_URL_PATTERN = /^turns?:[^\s,]+$/;
export const STUN_URL_PATTERN = /^stuns?:[^\s,]+$/;

/**
 * The credential coturn accepts for `userID` until `nowMs / 1000 + ttlSeconds` (the "TURN REST
 * API" of draft-uberti-behave-turn-rest, which coturn's `use-auth-secret` implements). The
 * expiry comes first: coturn reads the timestamp up to the first `:`, and userIDs may hold `:`.
 */
export function turnCredential(
  secret: string,
  userID: string,
  nowMs: number,
  ttlSeconds: number,
): TurnCredential {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${userID}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * The ICE servers a logged-in user gets: the STUN list as configured, then the TURN URLs with a
 * fresh credential. Without TURN configured the STUN list alone (possibly empty) and `ttl` 0.
 */
export function iceServersFor(
  config: IceServerConfig,
  userID: string,
  nowMs: number,
): OkResults['ice.servers'] {
  const iceServers: WireIceServer[] = [];
  const stun = config.stunUrls ?? [];
  if (stun.length) iceServers.push({ urls: [...stun] });
  const turn = config.turnUrls ?? [];
  if (config.turnSecret === undefined || !turn.length) return { iceServers, ttl: 0, serverTime: nowMs };
  const { username, credential } = turnCredential(config.turnSecret, userID, nowMs, config.turnTtlSeconds);
  iceServers.push({ urls: [...turn], username, credential });
  return { iceServers, ttl: config.turnTtlSeconds, serverTime: nowMs };
}

/** Checks the TURN settings together; returns what is wrong, or undefined. */
export function turnConfigProblem(config: IceServerConfig): string | undefined {
  for (const url of config.turnUrls ?? [])
    if (!TURN_URL_PATTERN.test(url)) return `turnUrls: not a turn: or turns: URL: ${url}`;
  for (const url of config.stunUrls ?? [])
    if (!STUN_URL_PATTERN.test(url)) return `stunUrls: not a stun: or stuns: URL: ${url}`;
  const urls = (config.turnUrls ?? []).length > 0;
  if (urls && config.turnSecret === undefined) return 'turnUrls need turnSecret (coturn static-auth-secret)';
  if (!urls && config.turnSecret !== undefined) return 'turnSecret needs turnUrls';
  return undefined;
}
