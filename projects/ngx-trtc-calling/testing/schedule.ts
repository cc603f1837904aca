import type { SchedulerLike, Subscription } from 'rxjs';

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
