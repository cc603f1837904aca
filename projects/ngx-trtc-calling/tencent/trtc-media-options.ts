import type { SchedulerLike } from 'rxjs';
import type { ModuleOrNamespace } from './load-module';
import type { TrtcModule } from './trtc-like';

/** The piece of `navigator.mediaDevices` the engine listens to for hot-plug. */
export interface DeviceChangeSource {
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

/** Options of `trtcMedia`. */
export interface TrtcMediaOptions {
  /** The TRTC application. */
  readonly SDKAppID: number;
  /** The trtc-js-sdk module (or a promise of it); by default loaded with `import('trtc-js-sdk')` on first use. */
  readonly TRTC?: ModuleOrNamespace<TrtcModule> | Promise<ModuleOrNamespace<TrtcModule>>;
  /** Where hidden players and user-gesture listeners go; default the global `document` (none on a server). */
  readonly document?: Document | null;
  /** Source of `devicechange`; default `navigator.mediaDevices` where present, `null` to not listen. */
  readonly mediaDevices?: DeviceChangeSource | null;
  /** Interval of `audio-volume` events in ms (the reference's 1000). */
  readonly volumeInterval?: number;
  /** Interval of `stats` events (the SDK's `get*Stats`), ms; default 2 000. */
  readonly statsInterval?: number;
  /** Scheduler of the stats timer; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * A UserSig for the screen-share client (`share_<userID>`, the SDK's screen-sharing guide).
   * Without it `startScreenShare` rejects with 60006; remote screens are shown either way.
   */
  readonly screenShareUserSig?: (shareUserID: string) => string | Promise<string>;
}
