import { InjectionToken } from '@angular/core';
import type { SchedulerLike } from 'rxjs';
import type { CallingLogger, CallStore, VideoProfile, VideoProfileName } from 'ngx-trtc-calling/core';

/** Options of the `Calling` that `CallingService` creates (`withCallingOptions()`). */
export interface CallingConfig {
  /** Seconds an invitation rings before it times out (default 30). */
  readonly ringTimeout?: number;
  /** Video profile of new calls (default '480p'). */
  readonly videoQuality?: VideoProfileName | VideoProfile;
  /** Where `Calling` and the self-hosted adapters log (default: warnings and errors to the console). */
  readonly logger?: CallingLogger;
  /** Runs every timer (default `asyncScheduler`); a `VirtualClock`'s scheduler in tests. */
  readonly scheduler?: SchedulerLike;
  /** Where a connected call is kept to rejoin it after a reload (default: `sessionStorage`; `null`: off). */
  readonly callStore?: CallStore | null;
  /** How long after the page went away a stored call is still rejoined (seconds, default 30). */
  readonly rejoinGrace?: number;
}

/** The `CallingConfig` in effect; `{}` (every default) unless `withCallingOptions()` provides one. */
export const CALLING_CONFIG = new InjectionToken<CallingConfig>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'CALLING_CONFIG' : '',
  { providedIn: 'root', factory: () => ({}) },
);
