import { inject, InjectionToken } from '@angular/core';
import type { MediaEngine, SignalingChannel } from 'ngx-trtc-calling/core';
// Types only: erased from the output, so this entry never imports the Tencent entry eagerly.
import type { TimSignalingOptions, TrtcMediaOptions } from 'ngx-trtc-calling/tencent';
import {
  CallingBackend,
  ɵcallingFeature,
  type CallingConnection,
  type CallingFeature,
} from 'ngx-trtc-calling';

/** Options of `withTencentCloud()`. */
export interface TencentCloudOptions {
  /** The Tencent Cloud IM/TRTC application. */
  readonly SDKAppID: number;
  /** A TIM instance the app already has: shared, never destroyed by the library. */
  readonly tim?: TimSignalingOptions['tim'];
  /** The tim-js-sdk module (or a promise of it); default `import('tim-js-sdk')` on first use. */
  readonly TIM?: TimSignalingOptions['TIM'];
  /** The trtc-js-sdk module (or a promise of it); default `import('trtc-js-sdk')` on first use. */
  readonly TRTC?: TrtcMediaOptions['TRTC'];
  /** A UserSig for the screen-share client `share_<userID>` (`startScreenShare`); without it sharing rejects 60006. */
  readonly screenShareUserSig?: TrtcMediaOptions['screenShareUserSig'];
}

/** What `withTencentCloud()` needs from `ngx-trtc-calling/tencent`. */
export interface TencentAdapters {
  /** Creates the IM port over tim-js-sdk. */
  timSignaling(options: TimSignalingOptions): SignalingChannel;
  /** Creates the RTC port over trtc-js-sdk. */
  trtcMedia(options: TrtcMediaOptions): MediaEngine;
}

/**
 * Loads `ngx-trtc-calling/tencent` for `withTencentCloud()`; provide it to count or fake the
 * load in tests. Unprovided, a dynamic `import()` inside `withTencentCloud()` does it, so the
 * Tencent entry and the SDKs it loads stay out of the initial bundle, and out of the build
 * altogether when `withTencentCloud()` is not used.
 */
export const CALLING_TENCENT_LOADER = new InjectionToken<() => Promise<TencentAdapters>>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'CALLING_TENCENT_LOADER' : '',
);

/**
 * The Tencent Cloud backend: `timSignaling` (tim-js-sdk) and `trtcMedia` (trtc-js-sdk). The
 * Tencent entry is imported lazily, when `CallingService` first needs the backend, so an app
 * that never calls does not download it.
 */
export function withTencentCloud(options: TencentCloudOptions): CallingFeature<'TencentCloud'> {
  return ɵcallingFeature('TencentCloud', [
    {
      provide: CallingBackend,
      useFactory: (): CallingBackend => {
        const load =
          inject(CALLING_TENCENT_LOADER, { optional: true }) ?? (() => import('ngx-trtc-calling/tencent'));
        return {
          create: async (): Promise<CallingConnection> => {
            const { timSignaling, trtcMedia } = await load();
            const { SDKAppID, tim, TIM, TRTC, screenShareUserSig } = options;
            const signaling = timSignaling({ SDKAppID, ...(tim ? { tim } : {}), ...(TIM ? { TIM } : {}) });
            const media = trtcMedia({
              SDKAppID,
              ...(TRTC ? { TRTC } : {}),
              ...(screenShareUserSig ? { screenShareUserSig } : {}),
            });
            return { signaling, media, SDKAppID };
          },
        };
      },
    },
  ]);
}
