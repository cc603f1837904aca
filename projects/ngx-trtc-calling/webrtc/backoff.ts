/** Reconnect back-off settings (all times in milliseconds). */
export interface BackoffOptions {
  /** Delay before the first reconnect attempt. */
  readonly initialDelay: number;
  /** Upper bound of any delay. */
  readonly maxDelay: number;
  /** Growth of the delay per failed attempt. */
  readonly factor: number;
  /** Relative spread: the delay is drawn from `base × [1 − jitter, 1 + jitter]`. */
  readonly jitter: number;
}

/** The default reconnect back-off: 500 ms doubling up to 10 s, ±30 %. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelay: 500,
  maxDelay: 10_000,
  factor: 2,
  jitter: 0.3,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first), with jitter so that many
 * clients dropped at once do not come back in lockstep.
 *
 * @example backoffDelay(0, DEFAULT_BACKOFF, () => 0.5) // 500
 * @example backoffDelay(3, DEFAULT_BACKOFF, () => 0.5) // 4000
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { initialDelay, maxDelay, factor, jitter } = options;
  const base = Math.min(maxDelay, initialDelay * Math.pow(factor, Math.max(0, attempt)));
  const spread = 1 + jitter * (2 * random() - 1);
  return Math.round(Math.max(0, Math.min(maxDelay, base * spread)));
}
