/**
 * What the harness page (`e2e/harness/`) exposes as `window.harness`: one user's `Calling` over
 * the real calling-server (`webSocketSignaling`) and browser WebRTC (`webRtcMedia`). Tests drive
 * it with `page.evaluate(() => window.harness.…)`. Everything returned is JSON-safe.
 */
import type { CallPhase, EndReason, MediaStats, ParticipantQuality } from 'ngx-trtc-calling/core';

/** Where the harness connects; read from the page's query string (`?ws=…&http=…`). */
export interface HarnessConfig {
  /** `ws://` URL of the calling-server. */
  readonly ws: string;
  /** `http://` base URL of the calling-server (for `GET /dev/usersig`). */
  readonly http: string;
  /** `?relay=1`: `iceTransportPolicy: 'relay'` (media through TURN only). */
  readonly relay: boolean;
  /** `?ice=<JSON>`: the app's own `iceServers`, beside those the server issues. */
  readonly iceServers: RTCIceServer[];
  /** `?connectTimeout=<ms>`: `webRtcMedia`'s `connectTimeout` (its default when absent). */
  readonly connectTimeout: number | null;
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
  /** Video streams sent (outbound-rtp with bytes), over every open connection: the uplink's width. */
  readonly videoStreamsSent: number;
  /** Audio and video received from peers (every `inbound-rtp`), bytes and packets. */
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  /** Audio and video sent (every `outbound-rtp`), bytes: the uplink. */
  readonly bytesSent: number;
}

/** What the page captured with `getUserMedia` (instrumented at load), to prove what was not opened. */
export interface Captures {
  /** `getUserMedia` calls so far, with the page time (ms) of each. */
  readonly calls: number[];
  /** How long each call that resolved took, ms. */
  readonly took: number[];
  /** Every track they returned: kind and `readyState` now. */
  readonly tracks: { kind: string; readyState: string }[];
}

export interface HarnessApi {
  readonly config: HarnessConfig;
  /** Gets a UserSig from the dev server (`GET /dev/usersig`) and logs in; resolves when ready. */
  login(userID: string): Promise<void>;
  /** Calls one user (1 audio, 2 video); resolves once the invitation is out and local media is up. */
  call(userID: string, type?: 1 | 2): Promise<{ inviteID: string; roomID: number }>;
  groupCall(userIDs: string[], type?: 1 | 2): Promise<{ roomID: number }>;
  /** The camera profile of this and later calls (`240p` keeps many pages light). */
  setVideoQuality(
    profile: '240p' | '360p' | '480p' | { width: number; height: number; frameRate: number; bitrate: number },
  ): Promise<void>;
  accept(): Promise<{ inviteID: string; roomID: number }>;
  /** `join({roomID, type})`: a group call in progress. */
  join(roomID: number, type?: 1 | 2): Promise<void>;
  /** The current call: how this page came into it, and who is in it. */
  currentCall(): { roomID: number; joinedInProgress: string | null; joined: string[] } | null;
  reject(): Promise<void>;
  hangup(): Promise<void>;
  /** `openCamera()` / `closeCamera()` (closing it while ringing answers with the camera off). */
  openCamera(): Promise<void>;
  closeCamera(): Promise<void>;
  /** What the current call says of `userID`'s audio and video, or `null`. */
  peerMedia(userID: string): { audio: boolean; video: boolean } | null;
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
  /**
   * End reasons of the calls this page took part in, oldest first. Missed calls are left out:
   * the e2e server is shared, so a login may find an earlier spec's unanswered invitation in
   * its history and record it as missed (`missedCalls()`).
   */
  endReasons(): EndReason[];
  /** How many missed-call records the page holds (live or found in history at login). */
  missedCalls(): number;
  /** Errors the page saw: rejected operations, `onError`, uncaught errors. */
  errors(): string[];
  /** `'local'` or a remote userID. */
  videoStats(view: string): VideoStats | null;
  /** The page's WebRTC traffic: proves media flows between the browsers, not only locally. */
  rtcStats(): Promise<RtcStats>;
  /** What `getUserMedia` was asked and returned so far. */
  captures(): Captures;
  /** Opens a device check (`startDeviceCheck`) with its preview in `#check-preview`; levels are kept. */
  startDeviceCheck(video?: boolean): Promise<void>;
  /** The microphone levels the open check reported so far. */
  checkLevels(): number[];
  /** Plays the check's test tone; resolves with how long it took, ms. */
  playTestTone(speakerID?: string): Promise<number>;
  stopDeviceCheck(): void;
  /** `getPermissions()`. */
  permissions(): Promise<{ camera: string; microphone: string }>;
  /** The local and remote candidate types of each open connection's selected pair (`relay/relay`). */
  selectedCandidatePairs(): Promise<string[]>;
  /** Every value `mediaConnection$` took since login, oldest first. */
  mediaConnection(): string[];
  /** `startScreenShare()` (Chromium's fake display capture in e2e). */
  startScreenShare(): Promise<void>;
  stopScreenShare(): Promise<void>;
  /** The browser ends the local capture, as its own "Stop sharing" button does. */
  endScreenCapture(): void;
  /** Renders `userID`'s screen share into `#screen-<userID>` (created on demand). */
  startRemoteScreenView(userID: string): void;
  /** The `<video>` of `userID`'s screen view, or `null`. */
  screenStats(userID: string): VideoStats | null;
  /** The latest `screenSharing$`, `remoteScreenShares$`, `networkQuality$` and `stats$`. */
  screenSharing(): boolean;
  remoteScreenShares(): string[];
  networkQuality(): ParticipantQuality[];
  mediaStats(): MediaStats[];
  /** Logs out and releases everything (the page stays usable for `login`). */
  destroy(): Promise<void>;
}

declare global {
  interface Window {
    harness: HarnessApi;
  }
}
