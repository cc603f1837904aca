import type { MediaEngine, SignalingChannel } from 'ngx-trtc-calling/core';

/** What a `CallingBackend` gives `CallingService`: the two ports and the application they serve. */
export interface CallingConnection {
  /** The IM port (Tencent IM, the self-hosted server, a virtual network). */
  readonly signaling: SignalingChannel;
  /** The RTC port (TRTC, browser WebRTC, a virtual network). */
  readonly media: MediaEngine;
  /** The IM/RTC application ID. */
  readonly SDKAppID: number;
}

/**
 * Creates the ports `CallingService` runs on. Both the port and its DI token, like Angular's
 * `HttpBackend`: `withSelfHosted()` and `withTencentCloud()` provide one, tests and apps may
 * provide their own (`withCallingBackend()`).
 *
 * `create()` is called at most once per `CallingService`, on first use, and only in a browser:
 * a backend must not touch browser APIs before that.
 */
export abstract class CallingBackend {
  /** Creates the signaling channel and media engine (loading whatever they need). */
  abstract create(): Promise<CallingConnection>;
}
