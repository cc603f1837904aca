import { inject } from '@angular/core';
import type { CallingLogger } from 'ngx-trtc-calling/core';
import { type TransportLogger, webRtcMedia, webSocketSignaling } from 'ngx-trtc-calling/webrtc';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { CallingBackend, type CallingConnection } from './calling-backend';
import { CALLING_CONFIG } from './calling-config';
import { type CallingFeature, callingFeature } from './provide-calling';

/** The SDKAppID `calling-server --dev` serves when none is configured. */
export const SELF_HOSTED_DEV_SDK_APP_ID = DEV_SDK_APP_ID;

/** Options of `withSelfHosted()`. */
export interface SelfHostedOptions {
  /** `ws://` or `wss://` URL of the calling-server. */
  readonly url: string;
  /** The application the server serves (default `SELF_HOSTED_DEV_SDK_APP_ID`, what `--dev` serves). */
  readonly SDKAppID?: number;
  /**
   * The app's own STUN/TURN servers, beside those the calling-server issues (`--stun-urls`,
   * `--turn-urls` with time-limited credentials). Default none.
   */
  readonly iceServers?: readonly RTCIceServer[];
  /** `'relay'`: media only through TURN (the users' addresses stay hidden from each other); default `'all'`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Follow the server when it places a call on a Janus VideoRoom (large groups, or every call,
   * by its configuration): loads `ngx-trtc-calling/janus` then, and only then (default false:
   * such a call fails to connect its media).
   */
  readonly janus?: boolean;
}

/**
 * The self-hosted backend: `webSocketSignaling` to the calling-server and a browser WebRTC
 * mesh (`webRtcMedia`). Both are created on first use, in the browser only.
 */
export function withSelfHosted(options: SelfHostedOptions): CallingFeature<'SelfHosted'> {
  return callingFeature('SelfHosted', [
    {
      provide: CallingBackend,
      useFactory: (): CallingBackend => {
        const config = inject(CALLING_CONFIG);
        return {
          create: async (): Promise<CallingConnection> => {
            const SDKAppID = options.SDKAppID ?? SELF_HOSTED_DEV_SDK_APP_ID;
            const logger = config.logger && transportLogger(config.logger);
            const scheduler = config.scheduler;
            const signaling = webSocketSignaling({
              url: options.url,
              SDKAppID,
              ...(scheduler ? { scheduler } : {}),
              ...(logger ? { logger } : {}),
            });
            const media = webRtcMedia({
              signaling,
              ...(options.iceServers ? { iceServers: options.iceServers } : {}),
              ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
              ...(options.janus ? { sfu: () => import('ngx-trtc-calling/janus') } : {}),
              ...(scheduler ? { scheduler } : {}),
              ...(logger ? { logger } : {}),
            });
            return { signaling, media, SDKAppID };
          },
        };
      },
    },
  ]);
}

/** The adapters log through the app's `CallingLogger` too. */
function transportLogger(logger: CallingLogger): TransportLogger {
  return (level, message, detail) =>
    detail === undefined ? logger[level](message) : logger[level](message, detail);
}
