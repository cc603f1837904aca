import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { LOG_LEVELS, OPTIONS, type LogLevel } from './config-options';
import { ConfigError } from './errors';
import { janusConfigProblem } from './janus/janus-config';
import { turnConfigProblem } from './turn';
import { DEV_SECRET_KEY } from './usersig';

/** `single`: a new login kicks the user's other sessions. `multi`: up to `maxSessionsPerUser` at once. */
export type SessionPolicy = 'single' | 'multi';

export { LOG_LEVELS, OPTIONS, type LogLevel, type OptionSpec } from './config-options';
export { parseCli, usage, type CliResult } from './config-cli';

/** SDKAppID used by `--dev` when none is configured: the dev app both sides share. */
export { DEV_SDK_APP_ID };

/** The complete, validated configuration of a server. */
export interface ServerConfig {
  /** Interface to listen on. */
  readonly host: string;
  /** TCP port; 0 picks an ephemeral port. */
  readonly port: number;
  /** The SDKAppID every UserSig and login must carry. */
  readonly sdkAppID: number;
  /** Secret key UserSigs are signed with (HMAC-SHA256). */
  readonly secretKey: string;
  /** Development mode: fixed dev key unless one is given, `GET /dev/usersig`, loud warning. */
  readonly dev: boolean;
  /** PEM certificate file; with `tlsKeyFile`, serve https + wss. */
  readonly tlsCertFile?: string;
  /** PEM private key file. */
  readonly tlsKeyFile?: string;
  /** What a second login of the same user does. */
  readonly sessionPolicy: SessionPolicy;
  /** pino level. */
  readonly logLevel: LogLevel;
  /** Largest accepted text frame in bytes; larger ones get `FRAME_TOO_LARGE`. */
  readonly maxFrameBytes: number;
  /** Frames larger than this are not even read: the socket is closed with 1009. */
  readonly wsMaxPayloadBytes: number;
  /** Frames per second per connection (token refill rate). */
  readonly ratePerSecond: number;
  /** Token bucket size (burst). */
  readonly rateBurst: number;
  /**
   * Rate-limited frames a connection may send within `rateStrikeWindowMs` (a bucket of strikes
   * refilled over the window); one more and it is closed with 1008 (policy violation).
   */
  readonly rateStrikes: number;
  /** The window of `rateStrikes` (ms). */
  readonly rateStrikeWindowMs: number;
  /** Most invitees in one signaling envelope. */
  readonly maxInvitees: number;
  /** Most simultaneous sessions of one user under the `multi` policy. */
  readonly maxSessionsPerUser: number;
  /** Most rooms one session is in at once. */
  readonly maxRoomsPerSession: number;
  /** Most peers in one room (WebRTC mesh). */
  readonly maxPeersPerRoom: number;
  /** Most simultaneous connections from one remote address. */
  readonly maxConnectionsPerAddress: number;
  /** Most WebSocket connections of this node; further upgrades are answered 503. */
  readonly maxConnections: number;
  /** Most TCP connections still in their HTTP stage (upgrade not done); further ones get 503. */
  readonly maxPendingUpgrades: number;
  /** How long a stored message is kept (ms). Must be ≥ `longestRingTimeoutMs`. */
  readonly mailboxRetentionMs: number;
  /** Most stored messages per user (oldest dropped first). */
  readonly mailboxMaxMessages: number;
  /** Most stored messages over all users. */
  readonly maxStoredMessages: number;
  /** Most bytes of stored message data over all users. */
  readonly maxStoredBytes: number;
  /** Most bytes stored in one user's mailbox (the heaviest sender there loses its oldest first). */
  readonly maxStoredBytesPerUser: number;
  /** Most stored copies of one sender's messages over all mailboxes; more → `SENDER_QUOTA_EXCEEDED`. */
  readonly maxStoredPerSender: number;
  /** Most bytes of those copies (each copy counts its data); more → `SENDER_QUOTA_EXCEEDED`. */
  readonly maxStoredBytesPerSender: number;
  /** The longest ring timeout clients use (ms); the mailbox must keep invitations at least that long. */
  readonly longestRingTimeoutMs: number;
  /** Most groups on the server. */
  readonly maxGroups: number;
  /** Most members in one group. */
  readonly maxGroupMembers: number;
  /** Most groups one user owns (created and not deleted); more → `GROUP_QUOTA_EXCEEDED`. */
  readonly maxGroupsPerUser: number;
  /** A group without activity (create, join, leave, message) for this long is deleted (ms). */
  readonly groupTtlMs: number;
  /** A connection whose unsent output exceeds this many bytes is dropped (slow consumer). */
  readonly maxBufferedBytes: number;
  /** Longest accepted UserSig, in characters. */
  readonly maxUserSigLength: number;
  /** WebSocket ping interval (ms); a socket that misses 2 pongs is terminated. */
  readonly heartbeatIntervalMs: number;
  /** How long a dead socket's room memberships are kept for a resume (ms). */
  readonly peerLeaveGraceMs: number;
  /**
   * How long the room slots of a session whose socket died are held for the same user to come
   * back in a new session (a page reload): peers are told `left` only after it (ms, 0 = off).
   */
  readonly rejoinGraceMs: number;
  /** A connection that has not logged in after this long is closed (ms). */
  readonly loginTimeoutMs: number;
  /** On `close()`, how long sockets get to close cleanly before they are terminated (ms). */
  readonly shutdownGraceMs: number;
  /**
   * `redis://[user:password@]host:port[/db]` (or `rediss://`): share presence, routing, stored
   * messages, groups, rooms and the session policy with the other nodes using the same Redis.
   * Unset: everything stays in this process.
   */
  readonly redisUrl?: string;
  /** Prefix of every Redis key and channel (several deployments may share one Redis). */
  readonly redisKeyPrefix: string;
  /** How long the server waits for Redis at start before it gives up (ms). */
  readonly redisConnectTimeoutMs: number;
  /** This node's name among the nodes sharing a Redis (default: host name, pid and a random suffix). */
  readonly nodeId?: string;
  /** A node that has not refreshed its heartbeat in Redis for this long is dead (ms). */
  readonly nodeTimeoutMs: number;
  /** coturn's `static-auth-secret`: TURN credentials are issued (`ice.servers`) when set with `turnUrls`. */
  readonly turnSecret?: string;
  /** `turn:`/`turns:` URLs of the TURN server(s) the credentials are for. */
  readonly turnUrls?: readonly string[];
  /** `stun:`/`stuns:` URLs handed out with the TURN ones (or alone). */
  readonly stunUrls?: readonly string[];
  /** How long an issued TURN credential is valid (s); longer than the longest call it must carry. */
  readonly turnTtlSeconds: number;
  /**
   * Janus instances to place rooms on, each `ws://host:port[#name][@capacity]` (the clients
   * connect to the same URL). Unset: every room stays on the mesh.
   */
  readonly janusUrls?: readonly string[];
  /** With `janusUrls`: rooms of up to this many joined sessions stay on the mesh; 0: Janus always. */
  readonly sfuThreshold: number;
  /** With `janusUrls`: most peers in one room (replaces `maxPeersPerRoom`; the VideoRoom's `publishers`). */
  readonly maxPeersPerSfuRoom: number;
  /** The VideoRoom plugin's `admin_key` (needed to create rooms when the instances set one). */
  readonly janusAdminKey?: string;
}

/**
 * What `startServer` accepts: any subset of the configuration, plus an optional logger. A value
 * of `undefined` counts as not given, so a caller can pass its own optional settings through.
 */
export type ServerOptions = { readonly [K in keyof ServerConfig]?: ServerConfig[K] | undefined } & {
  /** Read the secret key from this file (trailing newline removed). */
  readonly secretKeyFile?: string;
  /** Use this logger instead of creating one from `logLevel`. */
  readonly logger?: Logger;
  /** Clock for message times and UserSig expiry (epoch ms); tests may replace it. */
  readonly now?: () => number;
};

/** Defaults of every value that has one (the secret key and, outside dev, the SDKAppID have none). */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  dev: false,
  sessionPolicy: 'single',
  logLevel: 'info',
  maxFrameBytes: 64 * 1024,
  ratePerSecond: 50,
  rateBurst: 100,
  rateStrikes: 100,
  rateStrikeWindowMs: 10_000,
  maxInvitees: 50,
  maxSessionsPerUser: 5,
  maxRoomsPerSession: 4,
  maxPeersPerRoom: 6,
  maxConnectionsPerAddress: 50,
  maxConnections: 200_000,
  maxPendingUpgrades: 2_000,
  mailboxRetentionMs: 120_000,
  mailboxMaxMessages: 500,
  maxStoredMessages: 200_000,
  maxStoredBytes: 64 * 1024 * 1024,
  maxStoredBytesPerUser: 4 * 1024 * 1024,
  maxStoredPerSender: 2_000,
  maxStoredBytesPerSender: 4 * 1024 * 1024,
  longestRingTimeoutMs: 60_000,
  maxGroups: 5_000,
  maxGroupMembers: 200,
  maxGroupsPerUser: 100,
  groupTtlMs: 7 * 24 * 3600 * 1000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxUserSigLength: 4096,
  heartbeatIntervalMs: 15_000,
  peerLeaveGraceMs: 5_000,
  rejoinGraceMs: 30_000,
  loginTimeoutMs: 30_000,
  shutdownGraceMs: 1_000,
  redisKeyPrefix: 'calling:',
  redisConnectTimeoutMs: 5_000,
  nodeTimeoutMs: 5_000,
  turnTtlSeconds: 86_400,
  sfuThreshold: 4,
  maxPeersPerSfuRoom: 16,
} as const satisfies Partial<ServerConfig>;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Node names: they are part of Redis keys and channel names. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Fills in defaults and checks a configuration. Throws `ConfigError` when the secret key is
 * missing outside dev mode, when limits contradict each other, or when a value is out of range.
 */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  const dev = options.dev ?? DEFAULTS.dev;
  let secretKey = options.secretKey;
  if (secretKey === undefined && options.secretKeyFile !== undefined) {
    try {
      secretKey = readFileSync(options.secretKeyFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`cannot read secret key file ${options.secretKeyFile}: ${(e as Error).message}`);
    }
  }
  if (secretKey === undefined || secretKey === '') {
    if (!dev)
      throw new ConfigError('a secret key is required (CALLING_SECRET_KEY, --secret-key-file) unless --dev');
    secretKey = DEV_SECRET_KEY;
  }
  const sdkAppID = options.sdkAppID ?? (dev ? DEV_SDK_APP_ID : undefined);
  if (sdkAppID === undefined)
    throw new ConfigError('an SDKAppID is required (CALLING_SDKAPPID) unless --dev');
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULTS.maxFrameBytes;
  const config: ServerConfig = {
    ...DEFAULTS,
    wsMaxPayloadBytes: maxFrameBytes * 4,
    ...stripUndefined(options),
    dev,
    secretKey,
    sdkAppID,
  };
  // Only ServerConfig keys survive (no logger, clock or key file in the config object).
  const clean = Object.fromEntries(
    Object.entries(config).filter(([k]) => k !== 'logger' && k !== 'now' && k !== 'secretKeyFile'),
  ) as unknown as ServerConfig;
  validate(clean);
  return clean;
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function validate(c: ServerConfig): void {
  for (const spec of OPTIONS) {
    if (spec.kind !== 'int') continue;
    const v = c[spec.key as keyof ServerConfig];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < (spec.min ?? 0)) {
      throw new ConfigError(`${spec.key} must be an integer ≥ ${spec.min ?? 0} (got ${String(v)})`);
    }
  }
  if (c.port > 65535) throw new ConfigError('port must be ≤ 65535');
  if (c.sdkAppID > 0xffffffff) throw new ConfigError('sdkAppID must fit in 32 bits');
  if (c.sessionPolicy !== 'single' && c.sessionPolicy !== 'multi') {
    throw new ConfigError(`sessionPolicy must be single or multi (got ${String(c.sessionPolicy)})`);
  }
  if (!(LOG_LEVELS as readonly string[]).includes(c.logLevel)) {
    throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (c.wsMaxPayloadBytes < c.maxFrameBytes) {
    throw new ConfigError('wsMaxPayloadBytes must be ≥ maxFrameBytes');
  }
  if (c.rateBurst < 1) throw new ConfigError('rateBurst must be ≥ 1');
  if (c.mailboxRetentionMs < c.longestRingTimeoutMs) {
    throw new ConfigError(
      `mailboxRetentionMs (${c.mailboxRetentionMs}) must be ≥ longestRingTimeoutMs (${c.longestRingTimeoutMs}): ` +
        'an invitation must outlive its ring timeout in the mailbox',
    );
  }
  for (const k of [
    'heartbeatIntervalMs',
    'peerLeaveGraceMs',
    'rejoinGraceMs',
    'loginTimeoutMs',
    'mailboxRetentionMs',
  ] as const) {
    if (c[k] > MAX_TIMER_MS) throw new ConfigError(`${k} must be ≤ ${MAX_TIMER_MS}`);
  }
  if (c.redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(c.redisUrl)) {
    throw new ConfigError('redisUrl must be a redis:// or rediss:// URL');
  }
  if (c.nodeId !== undefined && !NODE_ID_PATTERN.test(c.nodeId)) {
    throw new ConfigError('nodeId must match [A-Za-z0-9_.:-]{1,64}');
  }
  if (!/^[A-Za-z0-9_.:{}-]{0,64}$/.test(c.redisKeyPrefix)) {
    throw new ConfigError('redisKeyPrefix must match [A-Za-z0-9_.:{}-]{0,64}');
  }
  const turnProblem = turnConfigProblem(c);
  const janusProblem = janusConfigProblem(c);
  if (janusProblem !== undefined) throw new ConfigError(janusProblem);
  if (turnProblem !== undefined) throw new ConfigError(turnProblem);
  if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined)) {
    throw new ConfigError('TLS needs both tlsCertFile and tlsKeyFile');
  }
}
