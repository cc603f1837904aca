import type { Observable, Subscription } from 'rxjs';
import type { DeviceKind, JoinOptions, MediaEvent, VideoProfile } from 'ngx-trtc-calling/core';
import { fromSdkEvent } from './sdk-event';
import type {
  TrtcClient,
  TrtcClientEventMap,
  TrtcError,
  TrtcLocalStream,
  TrtcModule,
  TrtcRemoteStream,
  TrtcStream,
} from './trtc-like';
import type { TrtcMediaOptions } from './trtc-media-options';
import type { TrtcPlayback } from './trtc-playback';

/** One remote user's subscribed stream. */
export interface Remote {
  readonly stream: TrtcRemoteStream;
  /** Hidden element the stream plays in while the app has not attached it anywhere (remote audio must play). */
  container?: HTMLElement | undefined;
  readonly errors: Subscription;
}

/** Everything one `join` acquired; `teardown` releases it. */
export interface Session {
  readonly userID: string;
  readonly options: JoinOptions;
  client?: TrtcClient;
  localStream?: TrtcLocalStream;
  readonly wiring: Subscription;
  readonly remotes: Map<string, Remote>;
  /** `join` has not settled yet. */
  joining: boolean;
  joinSettled?: Promise<unknown>;
  joined: boolean;
  initialized: boolean;
  published: boolean;
  aborted: boolean;
  tornDown: boolean;
  /** Device IDs in use ('' when the browser hid them). */
  microphoneID: string;
  cameraID: string;
  /** Mute/camera-off asked for while the stream was still being set up: applied before publishing. */
  micMuted?: boolean;
  cameraOff?: boolean;
  /** Our screen share: its own client (`share_<userID>`) and stream (`TrtcScreenShare`). */
  screenShare?: {
    readonly client: TrtcClient;
    readonly stream: TrtcLocalStream;
    readonly wiring: Subscription;
    joined: boolean;
  };
  /** Remote users' screen shares, by the user sharing. */
  screens?: Map<string, Remote>;
}

/** What outlives a call: the devices the app chose and the last video profile, used by the next capture. */
export interface Preferences {
  readonly devices: { [K in DeviceKind]?: string };
  profile?: VideoProfile;
}

/** What the engine shares with the parts that run a call (the room, the camera, the device fallback). */
export interface TrtcEngineContext {
  readonly options: TrtcMediaOptions;
  readonly preferences: Preferences;
  readonly playback: TrtcPlayback;
  loadTrtc(): Promise<TrtcModule>;
  emit(event: MediaEvent): void;
  reportError(error: unknown): void;
  /** Throws `JOIN_ABORTED` once `leave`/`destroy` was called during the join. */
  checkAborted(session: Session): void;
}

export const noop = (): void => undefined;

export function clientEvent<K extends keyof TrtcClientEventMap>(
  client: TrtcClient,
  name: K,
): Observable<TrtcClientEventMap[K]> {
  return fromSdkEvent<TrtcClientEventMap[K]>(
    { on: (_, handler) => client.on(name, handler), off: (_, handler) => client.off(name, handler) },
    name,
  );
}

export function streamErrors(stream: TrtcStream): Observable<TrtcError> {
  return fromSdkEvent<TrtcError>(
    { on: (_, handler) => stream.on('error', handler), off: (_, handler) => stream.off('error', handler) },
    'error',
  );
}
