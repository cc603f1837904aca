/*
 * Public API of calling-server (programmatic use: tests, embedding, custom entry points).
 */
export { startServer, type RunningServer } from './server';
export {
  DEFAULTS,
  DEV_SDK_APP_ID,
  LOG_LEVELS,
  OPTIONS,
  parseCli,
  resolveConfig,
  usage,
  type CliResult,
  type LogLevel,
  type OptionSpec,
  type ServerConfig,
  type ServerOptions,
  type SessionPolicy,
} from './config';
export {
  DEV_SECRET_KEY,
  USER_ID_PATTERN,
  decodeUserSig,
  genUserSig,
  verifyUserSig,
  type GenUserSigOptions,
  type UserSigClaims,
  type UserSigVerdict,
  type VerifyOptions,
} from './usersig';
export { ConfigError, ERR, WireError } from './errors';
export { Metrics } from './metrics';
