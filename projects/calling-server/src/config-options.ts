/*
 * The server's configuration values as the outside sets them: each one's flag and environment
 * variable, read by the command line (`config-cli.ts`) and range-checked by `resolveConfig`.
 */
import type { ServerConfig } from './config';

/** pino levels accepted by `logLevel`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

type Kind = 'string' | 'int' | 'bool' | 'policy' | 'level' | 'file' | 'list';
type OptionKey = keyof ServerConfig | 'secretKeyFile';

/** One configuration value: its flag, its environment variable and what it means. */
export interface OptionSpec {
  readonly key: OptionKey;
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly min?: number;
  /** Further environment variables read when `env` is unset (e.g. the conventional `REDIS_URL`). */
  readonly envAliases?: readonly string[];
}

/** Every configuration value, in the order of the README table. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: '--host', env: 'CALLING_HOST', kind: 'string' },
  { key: 'port', flag: '--port', env: 'CALLING_PORT', kind: 'int', min: 0 },
  { key: 'sdkAppID', flag: '--sdkappid', env: 'CALLING_SDKAPPID', kind: 'int', min: 1 },
  { key: 'secretKey', flag: '--secret-key', env: 'CALLING_SECRET_KEY', kind: 'string' },
  { key: 'secretKeyFile', flag: '--secret-key-file', env: 'CALLING_SECRET_KEY_FILE', kind: 'file' },
  { key: 'dev', flag: '--dev', env: 'CALLING_DEV', kind: 'bool' },
  { key: 'tlsCertFile', flag: '--tls-cert', env: 'CALLING_TLS_CERT', kind: 'file' },
  { key: 'tlsKeyFile', flag: '--tls-key', env: 'CALLING_TLS_KEY', kind: 'file' },
  { key: 'sessionPolicy', flag: '--session-policy', env: 'CALLING_SESSION_POLICY', kind: 'policy' },
  { key: 'logLevel', flag: '--log-level', env: 'CALLING_LOG_LEVEL', kind: 'level' },
  { key: 'maxFrameBytes', flag: '--max-frame-bytes', env: 'CALLING_MAX_FRAME_BYTES', kind: 'int', min: 256 },
  {
    key: 'wsMaxPayloadBytes',
    flag: '--ws-max-payload-bytes',
    env: 'CALLING_WS_MAX_PAYLOAD_BYTES',
    kind: 'int',
    min: 256,
  },
  { key: 'ratePerSecond', flag: '--rate-per-second', env: 'CALLING_RATE_PER_SECOND', kind: 'int', min: 1 },
  { key: 'rateBurst', flag: '--rate-burst', env: 'CALLING_RATE_BURST', kind: 'int', min: 1 },
  { key: 'rateStrikes', flag: '--rate-strikes', env: 'CALLING_RATE_STRIKES', kind: 'int', min: 1 },
  {
    key: 'rateStrikeWindowMs',
    flag: '--rate-strike-window-ms',
    env: 'CALLING_RATE_STRIKE_WINDOW_MS',
    kind: 'int',
    min: 1,
  },
  { key: 'maxInvitees', flag: '--max-invitees', env: 'CALLING_MAX_INVITEES', kind: 'int', min: 1 },
  {
    key: 'maxSessionsPerUser',
    flag: '--max-sessions-per-user',
    env: 'CALLING_MAX_SESSIONS_PER_USER',
    kind: 'int',
    min: 1,
  },
  {
    key: 'maxRoomsPerSession',
    flag: '--max-rooms-per-session',
    env: 'CALLING_MAX_ROOMS_PER_SESSION',
    kind: 'int',
    min: 1,
  },
  {
    key: 'maxPeersPerRoom',
    flag: '--max-peers-per-room',
    env: 'CALLING_MAX_PEERS_PER_ROOM',
    kind: 'int',
    min: 2,
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: '--max-connections-per-address',
    env: 'CALLING_MAX_CONNECTIONS_PER_ADDRESS',
    kind: 'int',
    min: 1,
  },
  { key: 'maxConnections', flag: '--max-connections', env: 'CALLING_MAX_CONNECTIONS', kind: 'int', min: 1 },
  {
    key: 'maxPendingUpgrades',
    flag: '--max-pending-upgrades',
    env: 'CALLING_MAX_PENDING_UPGRADES',
    kind: 'int',
    min: 1,
  },
  {
    key: 'mailboxRetentionMs',
    flag: '--mailbox-retention-ms',
    env: 'CALLING_MAILBOX_RETENTION_MS',
    kind: 'int',
    min: 1,
  },
  {
    key: 'mailboxMaxMessages',
    flag: '--mailbox-max-messages',
    env: 'CALLING_MAILBOX_MAX_MESSAGES',
    kind: 'int',
    min: 1,
  },
  {
    key: 'maxStoredMessages',
    flag: '--max-stored-messages',
    env: 'CALLING_MAX_STORED_MESSAGES',
    kind: 'int',
    min: 1,
  },
  { key: 'maxStoredBytes', flag: '--max-stored-bytes', env: 'CALLING_MAX_STORED_BYTES', kind: 'int', min: 1 },
  {
    key: 'maxStoredBytesPerUser',
    flag: '--max-stored-bytes-per-user',
    env: 'CALLING_MAX_STORED_BYTES_PER_USER',
    kind: 'int',
    min: 1,
  },
  {
    key: 'maxStoredPerSender',
    flag: '--max-stored-per-sender',
    env: 'CALLING_MAX_STORED_PER_SENDER',
    kind: 'int',
    min: 2,
  },
  {
    key: 'maxStoredBytesPerSender',
    flag: '--max-stored-bytes-per-sender',
    env: 'CALLING_MAX_STORED_BYTES_PER_SENDER',
    kind: 'int',
    min: 1,
  },
  {
    key: 'longestRingTimeoutMs',
    flag: '--longest-ring-timeout-ms',
    env: 'CALLING_LONGEST_RING_TIMEOUT_MS',
    kind: 'int',
    min: 0,
  },
  { key: 'maxGroups', flag: '--max-groups', env: 'CALLING_MAX_GROUPS', kind: 'int', min: 1 },
  {
    key: 'maxGroupMembers',
    flag: '--max-group-members',
    env: 'CALLING_MAX_GROUP_MEMBERS',
    kind: 'int',
    min: 1,
  },
  {
    key: 'maxGroupsPerUser',
    flag: '--max-groups-per-user',
    env: 'CALLING_MAX_GROUPS_PER_USER',
    kind: 'int',
    min: 1,
  },
  { key: 'groupTtlMs', flag: '--group-ttl-ms', env: 'CALLING_GROUP_TTL_MS', kind: 'int', min: 1000 },
  {
    key: 'maxBufferedBytes',
    flag: '--max-buffered-bytes',
    env: 'CALLING_MAX_BUFFERED_BYTES',
    kind: 'int',
    min: 1024,
  },
  {
    key: 'maxUserSigLength',
    flag: '--max-usersig-length',
    env: 'CALLING_MAX_USERSIG_LENGTH',
    kind: 'int',
    min: 64,
  },
  {
    key: 'heartbeatIntervalMs',
    flag: '--heartbeat-interval-ms',
    env: 'CALLING_HEARTBEAT_INTERVAL_MS',
    kind: 'int',
    min: 10,
  },
  {
    key: 'peerLeaveGraceMs',
    flag: '--peer-leave-grace-ms',
    env: 'CALLING_PEER_LEAVE_GRACE_MS',
    kind: 'int',
    min: 0,
  },
  {
    key: 'rejoinGraceMs',
    flag: '--rejoin-grace-ms',
    env: 'CALLING_REJOIN_GRACE_MS',
    kind: 'int',
    min: 0,
  },
  {
    key: 'loginTimeoutMs',
    flag: '--login-timeout-ms',
    env: 'CALLING_LOGIN_TIMEOUT_MS',
    kind: 'int',
    min: 10,
  },
  {
    key: 'shutdownGraceMs',
    flag: '--shutdown-grace-ms',
    env: 'CALLING_SHUTDOWN_GRACE_MS',
    kind: 'int',
    min: 0,
  },
  {
    key: 'redisUrl',
    flag: '--redis-url',
    env: 'CALLING_REDIS_URL',
    kind: 'string',
    envAliases: ['REDIS_URL'],
  },
  { key: 'redisKeyPrefix', flag: '--redis-key-prefix', env: 'CALLING_REDIS_KEY_PREFIX', kind: 'string' },
  {
    key: 'redisConnectTimeoutMs',
    flag: '--redis-connect-timeout-ms',
    env: 'CALLING_REDIS_CONNECT_TIMEOUT_MS',
    kind: 'int',
    min: 100,
  },
  { key: 'nodeId', flag: '--node-id', env: 'CALLING_NODE_ID', kind: 'string' },
  { key: 'nodeTimeoutMs', flag: '--node-timeout-ms', env: 'CALLING_NODE_TIMEOUT_MS', kind: 'int', min: 300 },
  { key: 'turnSecret', flag: '--turn-secret', env: 'CALLING_TURN_SECRET', kind: 'string' },
  { key: 'turnUrls', flag: '--turn-urls', env: 'CALLING_TURN_URLS', kind: 'list' },
  { key: 'stunUrls', flag: '--stun-urls', env: 'CALLING_STUN_URLS', kind: 'list' },
  { key: 'turnTtlSeconds', flag: '--turn-ttl', env: 'CALLING_TURN_TTL', kind: 'int', min: 60 },
  { key: 'janusUrls', flag: '--janus', env: 'CALLING_JANUS', kind: 'list' },
  { key: 'sfuThreshold', flag: '--sfu-threshold', env: 'CALLING_SFU_THRESHOLD', kind: 'int', min: 0 },
  {
    key: 'maxPeersPerSfuRoom',
    flag: '--max-peers-per-sfu-room',
    env: 'CALLING_MAX_PEERS_PER_SFU_ROOM',
    kind: 'int',
    min: 2,
  },
  { key: 'janusAdminKey', flag: '--janus-admin-key', env: 'CALLING_JANUS_ADMIN_KEY', kind: 'string' },
];
