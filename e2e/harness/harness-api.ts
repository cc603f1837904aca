/**
 * What the harness page (`e2e/harness/`) exposes as `window.harness`: one user's `Calling` over
 * the real calling-server (`webSocketSignaling`) and browser WebRTC (`webRtcMedia`). Tests drive
 * it with `page.evaluate(() => window.harness.…)`. Everything returned is JSON-safe.
 */
import type { CallPhase, EndReason } from 'ngx-trtc-calling/core';

/** Where the harness connects; read from the page's query string (`?ws=…&http=…`). */
export interface HarnessConfig {
  /** `ws://` URL of the calling-server. */
  readonly ws: string;
  /** `http://` base URL of the calling-server (for `GET /dev/usersig`). */
  readonly http: string;
}

/** One event the `Calling` emitted, with the page time (ms since load) it arrived. */
export interface HarnessEvent {
  readonly type: string;
  readonly payload: unknown;
  readonly at: number;
}

/** The state of the `<video>` rendering a view, or `null` when the view has no video element. */
export interface VideoStats {
  readonly videoWidth: number;
  readonly videoHeight: number;
  readonly currentTime: number;
  readonly readyState: number;
  readonly paused: boolean;
}

/** What the page's peer connections report (`getStats`), summed over the open ones. */
export interface RtcStats {
  /** Peer connections created so far, and how many are not closed. */
  readonly created: number;
  readonly open: number;
  /** `connectionState` of each open peer connection. */
  readonly states: string[];
  /** Video frames decoded from peers (`inbound-rtp`) and encoded for them (`outbound-rtp`). */
  readonly framesDecoded: number;
  readonly framesEncoded: number;
  /** Audio received from peers, bytes. */
  readonly audioBytesReceived: number;
}

export interface HarnessApi {
  readonly config: HarnessConfig;
  /** Gets a UserSig from the dev server (`GET /dev/usersig`) and logs in; resolves when ready. */
  login(userID: string): Promise<void>;
  /** Calls one user (1 audio, 2 video); resolves once the invitation is out and local media is up. */
  call(userID: string, type?: 1 | 2): Promise<{ inviteID: string; roomID: number }>;
  accept(): Promise<{ inviteID: string; roomID: number }>;
  reject(): Promise<void>;
  hangup(): Promise<void>;
  /** The speakers the engine lists (`getSpeakers()`). */
  speakers(): Promise<{ deviceID: string; label: string }[]>;
  /** `switchDevice({ deviceType: 'speaker', deviceID })`: remote audio plays there from now on. */
  useSpeaker(deviceID: string): Promise<void>;
  /** Renders the local camera into `#local`. */
  startLocalView(): void;
  /** Renders `userID`'s video into `#remote-<userID>` (created on demand). */
  startRemoteView(userID: string): void;
  phase(): CallPhase;
  /** The logged-in user, or `null`. */
  userID(): string | null;
  /** Every event so far, oldest first. */
  events(): HarnessEvent[];
  /** End reasons of the finished calls, oldest first. */
  endReasons(): EndReason[];
  /** Errors the page saw: rejected operations, `onError`, uncaught errors. */
  errors(): string[];
  /** `'local'` or a remote userID. */
  videoStats(view: string): VideoStats | null;
  /** The page's WebRTC traffic: proves media flows between the browsers, not only locally. */
  rtcStats(): Promise<RtcStats>;
  /** Logs out and releases everything (the page stays usable for `login`). */
  destroy(): Promise<void>;
}

declare global {
  interface Window {
    harness: HarnessApi;
  }
}
