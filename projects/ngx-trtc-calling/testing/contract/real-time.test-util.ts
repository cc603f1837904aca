/** How often `until` polls, in ms. */
const POLL_MS = 10;

/** Resolves after `ms` of real time. */
export const delay = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The `wait` / `until` / `run` of a `ContractEnv` on real sockets in real time: `until` polls a
 * condition up to a deadline, `run` bounds how long an operation may take.
 */
export function realTimeWaits(runTimeout: number) {
  const until = async (predicate: () => boolean, timeoutMs = 10_000, what = 'condition') => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await delay(POLL_MS);
    }
  };

  const run = async <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the operation did not finish within ${runTimeout} ms`)),
        runTimeout,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return { wait: delay, until, run };
}
