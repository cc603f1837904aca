import { type SchedulerLike, Subscription } from 'rxjs';

/**
 * Runs `work` once, `delay` ms from now on `scheduler`. The timer belongs to `bag` until it
 * fires, so unsubscribing `bag` cancels every timer still pending (and a closed `bag` cancels
 * the new timer at once). Internal to the testing entry point.
 */
export function scheduleIn(
  bag: Subscription,
  scheduler: SchedulerLike,
  delay: number,
  work: () => void,
): void {
  let fired = false;
  let timer: Subscription | undefined = undefined;
  timer = scheduler.schedule(() => {
    fired = true;
    // A synchronous scheduler runs `work` before `schedule` returns: nothing to remove then.
    if (timer) bag.remove(timer);
    work();
  }, delay);
  if (!fired) bag.add(timer);
}

/** A wait of `waitIn`: `done` resolves when it is over, or rejects with the error it was aborted with. */
export interface CancellableWait {
  readonly done: Promise<void>;
  abort(error: Error): void;
}

/**
 * Waits `delay` ms on `scheduler`, the timer in `bag` meanwhile (so unsubscribing `bag` cancels
 * it). `settled` runs synchronously when the wait ends, by time or by `abort`, before `done`
 * settles. Internal to the testing entry point.
 */
export function waitIn(
  bag: Subscription,
  scheduler: SchedulerLike,
  delay: number,
  settled: () => void,
): CancellableWait {
  const timer = new Subscription();
  bag.add(timer);
  let abort: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    abort = (error) => {
      settled();
      bag.remove(timer);
      timer.unsubscribe();
      reject(error);
    };
    scheduleIn(timer, scheduler, delay, () => {
      settled();
      bag.remove(timer);
      resolve();
    });
  });
  return { done, abort: (error) => abort(error) };
}
