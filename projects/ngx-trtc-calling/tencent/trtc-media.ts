import { Observable, Subject, Subscription } from 'rxjs';
import {
  MediaEngine,
  type DeviceCheck,
  type DeviceCheckOptions,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaPermissions,
  type MediaEvent,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import { browserPermissions, openTrtcDeviceCheck, type TrtcDeviceCheck } from './device-check';
import { unwrapModule, type ModuleOrNamespace } from './load-module';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import { ensureVideoTrack } from './trtc-camera';
import { deviceChanges, deviceError, fallBackIfGone, listDevices } from './trtc-devices';
import type { TrtcLocalStream, TrtcModule } from './trtc-like';
import type { DeviceChangeSource, TrtcMediaOptions } from './trtc-media-options';
import { TrtcPlayback } from './trtc-playback';
import { TrtcRoom } from './trtc-room';
import { noop, type Preferences, type Session, type TrtcEngineContext } from './trtc-session';

export type { DeviceChangeSource, TrtcMediaOptions } from './trtc-media-options';

/** trtc-js-sdk `INVALID_PARAMETER` / `INVALID_OPERATION`. */
const TRTC_INVALID_PARAMETER = 0x1000;
const TRTC_INVALID_OPERATION = 0x1001;

/** The default loader: a dynamic import, so an app that never joins never bundles TRTC eagerly. */
async function loadTrtcModule(): Promise<ModuleOrNamespace<TrtcModule>> {
  // Assigned without a cast: the real trtc-js-sdk typings must satisfy TrtcModule.
  const mod: ModuleOrNamespace<TrtcModule> = await import('trtc-js-sdk');
  return mod;
}

/** Users of one TRTC room who can publish at the same time (trtc-js-sdk 4.x, `rtc` mode). */
const TRTC_MAX_PUBLISHERS = 50;

/**
 * `MediaEngine` over TRTC (trtc-js-sdk 4.x), used the way trtc-calling-js uses it
 * (PROTOCOL.md §5), so peers running the reference see the same room behaviour.
 *
 * Nothing of the SDK is loaded before `join`/`getDevices`: the module comes from
 * `options.TRTC` or a dynamic `import('trtc-js-sdk')`. The room's life is `TrtcRoom`'s,
 * playback (hidden players, autoplay) `TrtcPlayback`'s; this class holds the session between
 * them and the preferences that outlive it.
 */
export class TrtcMediaEngine extends MediaEngine {
  /** Media events; completes on `destroy()`. */
  readonly events$: Observable<MediaEvent>;

  private readonly events = new Subject<MediaEvent>();
  private readonly deviceWatch = new Subscription();
  private readonly preferences: Preferences = { devices: {} };
  private readonly playback: TrtcPlayback;
  private readonly room: TrtcRoom;
  private readonly context: TrtcEngineContext;
  private trtc: Promise<TrtcModule> | undefined;
  private session: Session | undefined;
  private destroyed = false;
  /** Device checks open now (stopped on `destroy`). */
  private readonly checks = new Set<TrtcDeviceCheck>();

  constructor(private readonly options: TrtcMediaOptions) {
    super();
    this.events$ = this.events.asObservable();
    this.playback = new TrtcPlayback({
      document: options.document === undefined ? globalThis.document : (options.document ?? undefined),
      emit: (event) => this.emit(event),
      reportError: (error) => this.reportError(error),
    });
    this.context = {
      options,
      preferences: this.preferences,
      playback: this.playback,
      loadTrtc: () => this.loadTrtc(),
      emit: (event) => this.emit(event),
      reportError: (error) => this.reportError(error),
      checkAborted: (session) => this.checkAborted(session),
    };
    this.room = new TrtcRoom(this.context);
    const source =
      options.mediaDevices === undefined
        ? (globalThis.navigator?.mediaDevices as DeviceChangeSource | undefined)
        : (options.mediaDevices ?? undefined);
    if (source && typeof source.addEventListener === 'function') {
      this.deviceWatch.add(
        deviceChanges(source, () => this.getDevices()).subscribe((devices) => {
          this.emit({ type: 'devicesChanged', devices });
          const session = this.session;
          const stream = this.readyLocalStream();
          if (session && stream) void fallBackIfGone(this.context, session, stream, devices);
        }),
      );
    }
  }

  /** Whether a room is joined (synchronous snapshot). */
  /**
   * TRTC's limit in `rtc` mode: at most 50 users of a room publish at once (every call
   * participant publishes), although 300 may be in it.
   */
  override get maxParticipants(): number {
    return TRTC_MAX_PUBLISHERS;
  }

  get joined(): boolean {
    return !!this.session?.joined && !this.session.joining;
  }

  /**
   * Opens a device check with the SDK's local stream, outside any room (no client, nothing
   * published). Allowed while in a call: the check's stream is its own. `prepare` (instant
   * answer) stays the port's no-op here: a TRTC room cannot be entered without publishing
   * rights being checked by Tencent's service, and Accept joins as the reference does.
   */
  override async startDeviceCheck(options: DeviceCheckOptions): Promise<DeviceCheck> {
    if (this.destroyed) throw this.destroyedError();
    const check = await openTrtcDeviceCheck(this.context, options, (done) => this.checks.delete(done));
    if (this.destroyed) {
      check.stop();
      throw this.destroyedError();
    }
    this.checks.add(check);
    return check;
  }

  /** The browser's camera and microphone permission states (Permissions API). */
  override getPermissions(): Promise<MediaPermissions> {
    return browserPermissions();
  }

  /** Lists cameras, microphones and speakers (`TRTC.getCameras/getMicrophones/getSpeakers`). */
  async getDevices(): Promise<DeviceList> {
    return listDevices(await this.loadTrtc());
  }

  /**
   * Joins `roomID` and publishes: `createClient`, `join`, `createStream`, `setVideoProfile`,
   * `initialize`, `publish` (PROTOCOL.md §5). Rejects with 60006 (unsupported browser),
   * 60003/60004 (no microphone/camera), 60005 (access denied) and releases everything then.
   */
  join(options: JoinOptions): Promise<void> {
    if (this.destroyed) return Promise.reject(this.destroyedError());
    if (this.session) {
      return Promise.reject(
        new TencentError(TRTC_INVALID_OPERATION, 'trtcMedia: already in a room; leave() first'),
      );
    }
    if (!Number.isInteger(options.roomID) || options.roomID < 1 || options.roomID > 4294967294) {
      return Promise.reject(
        new TencentError(TRTC_INVALID_PARAMETER, `trtcMedia: invalid roomID ${options.roomID}`),
      );
    }
    const session: Session = {
      userID: options.userID,
      options,
      wiring: new Subscription(),
      remotes: new Map(),
      joining: true,
      joined: false,
      initialized: false,
      published: false,
      aborted: false,
      tornDown: false,
      microphoneID: '',
      cameraID: '',
    };
    this.session = session;
    const run = this.room.join(session).then(
      () => {
        session.joining = false;
      },
      async (error: unknown) => {
        session.joining = false;
        await this.room.teardown(session);
        if (this.session === session) this.session = undefined;
        throw session.aborted
          ? new TencentError(TENCENT_ERROR.JOIN_ABORTED, 'trtcMedia: join aborted by leave()', {
              cause: error,
            })
          : TencentError.from(error);
      },
    );
    session.joinSettled = run.catch(noop);
    return run;
  }

  /** Unpublishes, leaves, closes every stream, turns volume evaluation off. Safe when not joined. */
  async leave(): Promise<void> {
    const session = this.session;
    if (!session) return;
    session.aborted = true;
    if (session.joining) {
      await session.joinSettled; // the join notices the abort and tears down itself
    }
    if (this.session === session) this.session = undefined;
    await this.room.teardown(session);
  }

  /** `muteAudio()` / `unmuteAudio()` on the local stream (applied at publish time when called during `join`). */
  async setMicMuted(muted: boolean): Promise<void> {
    const stream = this.readyLocalStream();
    if (this.session?.joining && !stream) this.session.micMuted = muted;
    if (!stream) return;
    if (muted) stream.muteAudio();
    else stream.unmuteAudio();
  }

  /**
   * Off: `muteVideo()`. On: `unmuteVideo()` and make sure the track is enabled again (the
   * reference leaves it disabled, PROTOCOL.md §8.11); without a live video track, captures one
   * with a video-only stream and `addTrack`s it.
   */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    const session = this.session;
    const stream = this.readyLocalStream();
    if (session?.joining && !stream) session.cameraOff = !enabled;
    if (!session || !stream) return;
    if (!enabled) {
      stream.muteVideo();
      return;
    }
    await ensureVideoTrack(this.context, session, stream);
  }

  /** Removes (and stops) or adds the local video track, for an audio↔video switch. */
  async setVideoPublished(published: boolean): Promise<void> {
    const session = this.session;
    const stream = this.readyLocalStream();
    if (!session || !stream) return;
    if (published) {
      await ensureVideoTrack(this.context, session, stream);
      return;
    }
    const track = stream.getVideoTrack();
    if (!track) return;
    try {
      await stream.removeTrack(track);
    } catch (error) {
      throw TencentError.from(error, TENCENT_ERROR.SWITCH_TO_AUDIO_FAILED);
    } finally {
      track.stop();
    }
  }

  /** `localStream.switchDevice('audio'|'video', id)`; speakers: `setAudioOutput` on remote streams. Remembered for the next join. */
  async switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    this.preferences.devices[kind] = deviceID;
    const session = this.session;
    if (kind === 'speaker') {
      if (!session) return;
      await Promise.all(
        [...session.remotes.values()].map((r) =>
          r.stream.setAudioOutput(deviceID).catch((error: unknown) => this.reportError(error)),
        ),
      );
      return;
    }
    const stream = this.readyLocalStream();
    if (!session || !stream) return;
    if (kind === 'camera' && !stream.getVideoTrack()) return; // no camera in use: used when one is added
    try {
      await stream.switchDevice(kind === 'camera' ? 'video' : 'audio', deviceID);
    } catch (error) {
      throw deviceError(error, kind);
    }
    if (kind === 'camera') session.cameraID = deviceID;
    else session.microphoneID = deviceID;
  }

  /**
   * Applies the profile to the local video now (where TRTC allows) and to cameras captured later
   * in this call. A `join` uses its own `profile` option.
   */
  async setVideoProfile(profile: VideoProfile): Promise<void> {
    this.preferences.profile = profile;
    const stream = this.readyLocalStream();
    if (!stream || !stream.getVideoTrack()) return;
    try {
      stream.setVideoProfile({ ...profile });
    } catch (error) {
      throw TencentError.from(error);
    }
  }

  /** Plays the local camera into `target` (`localStream.play`); remembered if called before the stream exists. */
  attachLocal(target: ViewTarget): void {
    this.playback.localTarget = target;
    const stream = this.readyLocalStream();
    if (stream) this.playback.play(stream, target, true);
  }

  /** Stops rendering the local camera. */
  detachLocal(): void {
    this.playback.localTarget = undefined;
    this.readyLocalStream()?.stop();
  }

  /**
   * Shares the screen from a second client, `share_<userID>` (the SDK's screen-sharing guide; its
   * UserSig from `screenShareUserSig`). Rejects 60030 when the capture is refused, 60006 without
   * `screenShareUserSig`, 61000 outside a room.
   */
  override startScreenShare(): Promise<void> {
    const session = this.session;
    if (!session || session.joining)
      return Promise.reject(new TencentError(TENCENT_ERROR.NOT_IN_ROOM, 'startScreenShare: not in a room'));
    return this.room.screens.start(session);
  }

  /** Stops the screen share (its client leaves); safe when not sharing. */
  override async stopScreenShare(): Promise<void> {
    if (this.session) await this.room.screens.stop(this.session);
  }

  /** Plays `userID`'s screen share into `target`; remembered until it is subscribed. */
  override attachRemoteScreen(userID: string, target: ViewTarget): void {
    this.room.screens.attach(this.session, userID, target);
  }

  /** Stops rendering `userID`'s screen share. */
  override detachRemoteScreen(userID: string): void {
    this.room.screens.detach(this.session, userID);
  }

  /** Plays `userID`'s stream into `target`; remembered until the user's stream is subscribed. */
  attachRemote(userID: string, target: ViewTarget): void {
    this.playback.remoteTargets.set(userID, target);
    const remote = this.session?.remotes.get(userID);
    if (!remote) return;
    remote.stream.stop();
    this.playback.removeContainer(remote);
    this.playback.play(remote.stream, target);
  }

  /** Stops rendering `userID`'s video; the audio goes on playing in a hidden element. */
  detachRemote(userID: string): void {
    this.playback.remoteTargets.delete(userID);
    const remote = this.session?.remotes.get(userID);
    if (!remote) return;
    remote.stream.stop();
    this.playback.playHidden(userID, remote);
  }

  /** Leaves the room, stops listening for device changes and completes `events$`. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const check of [...this.checks]) check.stop();
    this.deviceWatch.unsubscribe();
    this.playback.stopWaitingForGesture();
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.aborted = true;
      void (session.joining ? session.joinSettled : this.room.teardown(session));
    }
    this.events.complete();
  }

  private readyLocalStream(): TrtcLocalStream | undefined {
    const session = this.session;
    return session && session.initialized && !session.tornDown ? session.localStream : undefined;
  }

  private reportError(error: unknown): void {
    const e = TencentError.from(error);
    this.emit({ type: 'error', code: e.code, message: e.message });
  }

  private emit(event: MediaEvent): void {
    if (!this.events.closed) this.events.next(event);
  }

  private checkAborted(session: Session): void {
    if (session.aborted || this.destroyed) {
      throw new TencentError(TENCENT_ERROR.JOIN_ABORTED, 'trtcMedia: join aborted by leave()');
    }
  }

  private loadTrtc(): Promise<TrtcModule> {
    if (this.destroyed) return Promise.reject(this.destroyedError());
    this.trtc ??= Promise.resolve(this.options.TRTC ?? loadTrtcModule()).then((mod) =>
      unwrapModule<TrtcModule>(mod, 'createClient'),
    );
    // A failed load (chunk error) may be retried by the next call.
    this.trtc.catch(() => (this.trtc = undefined));
    return this.trtc;
  }

  private destroyedError(): TencentError {
    return new TencentError(TENCENT_ERROR.DESTROYED, 'trtcMedia: used after destroy()');
  }
}

/**
 * A `MediaEngine` over TRTC (trtc-js-sdk 4.x) that behaves in the room like trtc-calling-js 1.0.6.
 *
 * @example
 * const media = trtcMedia({ SDKAppID: 1400000000 });
 * await media.join({ roomID, userID, userSig, video: true, profile: VIDEO_PROFILES['480p'] });
 */
export function trtcMedia(options: TrtcMediaOptions): TrtcMediaEngine {
  return new TrtcMediaEngine(options);
}
