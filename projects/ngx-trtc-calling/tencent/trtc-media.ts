import { EMPTY, Observable, Subject, Subscription, catchError, from, switchMap } from 'rxjs';
import {
  MediaEngine,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaDevice,
  type MediaEvent,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import { unwrapModule, type ModuleOrNamespace } from './load-module';
import { fromSdkEvent } from './sdk-event';
import { TENCENT_ERROR, TencentError, sdkErrorCode } from './tencent-error';
import type {
  TrtcClient,
  TrtcClientEventMap,
  TrtcDeviceInfo,
  TrtcError,
  TrtcLocalStream,
  TrtcModule,
  TrtcRemoteStream,
  TrtcStream,
} from './trtc-like';

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
}

/** One remote user's subscribed stream. */
interface Remote {
  readonly stream: TrtcRemoteStream;
  /** Hidden element the stream plays in while the app has not attached it anywhere (remote audio must play). */
  container?: HTMLElement;
  readonly errors: Subscription;
}

/** Everything one `join` acquired; `teardown` releases it. */
interface Session {
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
}

/** trtc-js-sdk `PLAY_NOT_ALLOWED` (0x4043 = 16451). */
const PLAY_NOT_ALLOWED = TENCENT_ERROR.PLAY_NOT_ALLOWED;
/** trtc-js-sdk `INVALID_PARAMETER` / `INVALID_OPERATION`. */
const TRTC_INVALID_PARAMETER = 0x1000;
const TRTC_INVALID_OPERATION = 0x1001;
const GESTURES = ['click', 'touchend', 'keydown'] as const;

const noop = (): void => undefined;

/** The default loader: a dynamic import, so an app that never joins never bundles TRTC eagerly. */
async function loadTrtcModule(): Promise<ModuleOrNamespace<TrtcModule>> {
  // Assigned without a cast: the real trtc-js-sdk typings must satisfy TrtcModule.
  const mod: ModuleOrNamespace<TrtcModule> = await import('trtc-js-sdk');
  return mod;
}

function clientEvent<K extends keyof TrtcClientEventMap>(
  client: TrtcClient,
  name: K,
): Observable<TrtcClientEventMap[K]> {
  return fromSdkEvent<TrtcClientEventMap[K]>(
    { on: (_, handler) => client.on(name, handler), off: (_, handler) => client.off(name, handler) },
    name,
  );
}

function streamErrors(stream: TrtcStream): Observable<TrtcError> {
  return fromSdkEvent<TrtcError>(
    { on: (_, handler) => stream.on('error', handler), off: (_, handler) => stream.off('error', handler) },
    'error',
  );
}

function toDevices(list: readonly TrtcDeviceInfo[], kind: DeviceKind): MediaDevice[] {
  return list.map((d) => ({
    deviceID: d.deviceId,
    kind,
    label: d.label,
    ...(d.groupId ? { groupID: d.groupId } : {}),
  }));
}

/** The preferred device if present, else the first; `''` lets the browser choose. */
function pickDevice(list: readonly TrtcDeviceInfo[], preferred: string | undefined): string {
  if (preferred && list.some((d) => d.deviceId === preferred)) return preferred;
  return list[0]?.deviceId ?? '';
}

/**
 * Maps a getUserMedia failure (TRTC passes the DOMException's `name` through) to the
 * reference's codes: 60003 no microphone, 60004 no camera, 60005 no access.
 */
function deviceError(error: unknown, kind: 'microphone' | 'camera' | 'both'): TencentError {
  const name =
    typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? '') : '';
  const detail = TencentError.from(error).message;
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    const code = kind === 'camera' ? TENCENT_ERROR.NO_CAMERA : TENCENT_ERROR.NO_MICROPHONE;
    return new TencentError(code, `${kind === 'camera' ? 'camera' : 'microphone'} not found: ${detail}`, {
      cause: error,
    });
  }
  return new TencentError(TENCENT_ERROR.NO_MEDIA_ACCESS, `no access to the ${kind}: ${detail}`, {
    cause: error,
  });
}

/**
 * `MediaEngine` over TRTC (trtc-js-sdk 4.x), used the way trtc-calling-js uses it
 * (PROTOCOL.md §5), so peers running the reference see the same room behaviour.
 *
 * Nothing of the SDK is loaded before `join`/`getDevices`: the module comes from
 * `options.TRTC` or a dynamic `import('trtc-js-sdk')`.
 */
export class TrtcMediaEngine extends MediaEngine {
  /** Media events; completes on `destroy()`. */
  readonly events$: Observable<MediaEvent>;

  private readonly events = new Subject<MediaEvent>();
  private readonly doc: Document | undefined;
  private readonly deviceWatch = new Subscription();
  private trtc?: Promise<TrtcModule>;
  private session?: Session;
  private readonly preferred: { camera?: string; microphone?: string; speaker?: string } = {};
  private profile?: VideoProfile;
  private localTarget?: ViewTarget;
  private readonly remoteTargets = new Map<string, ViewTarget>();
  private layer?: HTMLElement;
  private readonly awaitingGesture = new Set<TrtcStream>();
  private gestureListening = false;
  private destroyed = false;

  constructor(private readonly options: TrtcMediaOptions) {
    super();
    this.events$ = this.events.asObservable();
    this.doc = options.document === undefined ? globalThis.document : (options.document ?? undefined);
    const source =
      options.mediaDevices === undefined
        ? (globalThis.navigator?.mediaDevices as DeviceChangeSource | undefined)
        : (options.mediaDevices ?? undefined);
    if (source && typeof source.addEventListener === 'function') {
      this.deviceWatch.add(
        new Observable<void>((subscriber) => {
          const listener = (): void => subscriber.next();
          source.addEventListener('devicechange', listener);
          return () => source.removeEventListener('devicechange', listener);
        })
          .pipe(switchMap(() => from(this.getDevices()).pipe(catchError(() => EMPTY))))
          .subscribe((devices) => {
            this.emit({ type: 'devicesChanged', devices });
            void this.fallBackIfGone(devices);
          }),
      );
    }
  }

  /** Whether a room is joined (synchronous snapshot). */
  get joined(): boolean {
    return !!this.session?.joined && !this.session.joining;
  }

  /** Lists cameras, microphones and speakers (`TRTC.getCameras/getMicrophones/getSpeakers`). */
  async getDevices(): Promise<DeviceList> {
    const TRTC = await this.loadTrtc();
    let cameras: readonly TrtcDeviceInfo[];
    let microphones: readonly TrtcDeviceInfo[];
    let speakers: readonly TrtcDeviceInfo[];
    try {
      [cameras, microphones, speakers] = await Promise.all([
        TRTC.getCameras(),
        TRTC.getMicrophones(),
        // Not every browser can list outputs (Firefox, Safari): an empty list, not a failure.
        TRTC.getSpeakers ? TRTC.getSpeakers().catch(() => []) : Promise.resolve([]),
      ]);
    } catch (error) {
      throw TencentError.from(error);
    }
    return {
      cameras: toDevices(cameras, 'camera'),
      microphones: toDevices(microphones, 'microphone'),
      speakers: toDevices(speakers, 'speaker'),
    };
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
    const run = this.runJoin(session).then(
      () => {
        session.joining = false;
      },
      async (error: unknown) => {
        session.joining = false;
        await this.teardown(session);
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
    await this.teardown(session);
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
    await this.ensureVideoTrack(session, stream);
  }

  /** Removes (and stops) or adds the local video track, for an audio↔video switch. */
  async setVideoPublished(published: boolean): Promise<void> {
    const session = this.session;
    const stream = this.readyLocalStream();
    if (!session || !stream) return;
    if (published) {
      await this.ensureVideoTrack(session, stream);
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
    this.preferred[kind] = deviceID;
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
    this.profile = profile;
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
    this.localTarget = target;
    const stream = this.readyLocalStream();
    if (stream) this.play(stream, target, true);
  }

  /** Stops rendering the local camera. */
  detachLocal(): void {
    this.localTarget = undefined;
    this.readyLocalStream()?.stop();
  }

  /** Plays `userID`'s stream into `target`; remembered until the user's stream is subscribed. */
  attachRemote(userID: string, target: ViewTarget): void {
    this.remoteTargets.set(userID, target);
    const remote = this.session?.remotes.get(userID);
    if (!remote) return;
    remote.stream.stop();
    this.removeContainer(remote);
    this.play(remote.stream, target);
  }

  /** Stops rendering `userID`'s video; the audio goes on playing in a hidden element. */
  detachRemote(userID: string): void {
    this.remoteTargets.delete(userID);
    const remote = this.session?.remotes.get(userID);
    if (!remote) return;
    remote.stream.stop();
    this.playHidden(userID, remote);
  }

  /** Leaves the room, stops listening for device changes and completes `events$`. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.deviceWatch.unsubscribe();
    this.stopWaitingForGesture();
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.aborted = true;
      void (session.joining ? session.joinSettled : this.teardown(session));
    }
    this.events.complete();
  }

  private async runJoin(session: Session): Promise<void> {
    const { options } = session;
    const TRTC = await this.loadTrtc();
    this.checkAborted(session);
    const check = await TRTC.checkSystemRequirements();
    const supported = typeof check === 'boolean' ? check : !!check?.result;
    if (!supported) {
      throw new TencentError(
        TENCENT_ERROR.NOT_SUPPORTED,
        `TRTC is not supported here: ${JSON.stringify(check)}`,
        {
          cause: check,
        },
      );
    }
    const [cameras, microphones] = await Promise.all([TRTC.getCameras(), TRTC.getMicrophones()]);
    this.checkAborted(session);
    if (microphones.length === 0) {
      throw new TencentError(TENCENT_ERROR.NO_MICROPHONE, 'No microphone or microphone permission denied');
    }
    if (options.video && cameras.length === 0) {
      throw new TencentError(TENCENT_ERROR.NO_CAMERA, 'No camera or camera permission denied');
    }
    session.microphoneID = pickDevice(microphones, options.microphoneID ?? this.preferred.microphone);
    session.cameraID = options.video ? pickDevice(cameras, options.cameraID ?? this.preferred.camera) : '';

    const client = TRTC.createClient({
      mode: 'rtc',
      sdkAppId: this.options.SDKAppID,
      userId: options.userID,
      userSig: options.userSig,
    });
    session.client = client;
    this.wireClient(session, client);
    await client.join({ roomId: options.roomID });
    session.joined = true;
    this.checkAborted(session);

    const stream = TRTC.createStream({
      audio: true,
      video: options.video,
      userId: options.userID,
      ...(session.microphoneID ? { microphoneId: session.microphoneID } : {}),
      ...(options.video && session.cameraID ? { cameraId: session.cameraID } : {}),
    });
    session.localStream = stream;
    this.profile = options.profile;
    stream.setVideoProfile({ ...options.profile });
    try {
      await stream.initialize();
    } catch (error) {
      throw deviceError(error, options.video ? 'both' : 'microphone');
    }
    session.initialized = true;
    this.checkAborted(session);
    // Peers must never hear/see what the user muted while the call was being set up.
    if (session.micMuted) stream.muteAudio();
    if (session.cameraOff) stream.muteVideo();
    try {
      await client.publish(stream);
      session.published = true;
    } catch (error) {
      // As the reference: a failed publish is reported, the call goes on (peers may still be heard).
      this.reportError(error);
    }
    this.checkAborted(session);
    client.enableAudioVolumeEvaluation(this.options.volumeInterval ?? 1000);
    if (this.localTarget !== undefined) this.play(stream, this.localTarget, true);
  }

  /** Maps the client's events for the life of the session (each a lazy listener, removed in teardown). */
  private wireClient(session: Session, client: TrtcClient): void {
    const add = <K extends keyof TrtcClientEventMap>(
      name: K,
      handle: (event: TrtcClientEventMap[K]) => void,
    ) => session.wiring.add(clientEvent(client, name).subscribe(handle));
    add('stream-added', ({ stream }) => {
      if (stream.getType() !== 'main') return; // screen shares are not part of a call
      client.subscribe(stream).catch((error: unknown) => this.reportError(error));
    });
    add('stream-subscribed', ({ stream }) => this.onSubscribed(session, stream));
    add('stream-removed', ({ stream }) => {
      const userID = stream.getUserId();
      const remote = session.remotes.get(userID);
      if (remote && remote.stream.getId() === stream.getId()) this.removeRemote(session, userID);
      else {
        stream.stop();
        stream.close();
      }
    });
    add('peer-leave', ({ userId }) => {
      if (session.remotes.has(userId)) this.removeRemote(session, userId);
    });
    add('mute-audio', ({ userId }) =>
      this.emit({ type: 'audioAvailable', userID: userId, available: false }),
    );
    add('unmute-audio', ({ userId }) =>
      this.emit({ type: 'audioAvailable', userID: userId, available: true }),
    );
    add('mute-video', ({ userId }) =>
      this.emit({ type: 'videoAvailable', userID: userId, available: false }),
    );
    add('unmute-video', ({ userId }) =>
      this.emit({ type: 'videoAvailable', userID: userId, available: true }),
    );
    add('audio-volume', ({ result }) =>
      this.emit({
        type: 'volume',
        volumes: (result ?? []).map((r) => ({ userID: r.userId, volume: r.audioVolume })),
      }),
    );
    add('error', (error) => this.reportError(error));
    add('client-banned', (event) =>
      this.emit({
        type: 'failed',
        code: TENCENT_ERROR.CLIENT_BANNED,
        message: `removed from the room: ${event?.reason ?? 'banned'}${event?.message ? ` (${event.message})` : ''}`,
      }),
    );
  }

  private onSubscribed(session: Session, stream: TrtcRemoteStream): void {
    if (session.tornDown) return;
    const userID = stream.getUserId();
    const previous = session.remotes.get(userID);
    if (previous && previous.stream.getId() === stream.getId()) return;
    if (previous) {
      // Republished under a new stream: replace without a leave/enter pair.
      previous.errors.unsubscribe();
      previous.stream.stop();
      previous.stream.close();
      this.removeContainer(previous);
    }
    const remote: Remote = {
      stream,
      errors: streamErrors(stream).subscribe((error) => this.onPlayError(stream, error)),
    };
    session.remotes.set(userID, remote);
    if (this.preferred.speaker) {
      stream.setAudioOutput(this.preferred.speaker).catch((error: unknown) => this.reportError(error));
    }
    const target = this.remoteTargets.get(userID);
    if (target !== undefined) this.play(stream, target);
    else this.playHidden(userID, remote);
    if (!previous) this.emit({ type: 'userEntered', userID });
  }

  private removeRemote(session: Session, userID: string): void {
    const remote = session.remotes.get(userID);
    if (!remote) return;
    session.remotes.delete(userID);
    remote.errors.unsubscribe();
    this.awaitingGesture.delete(remote.stream);
    remote.stream.stop();
    remote.stream.close();
    this.removeContainer(remote);
    this.emit({ type: 'userLeft', userID });
  }

  /** Releases everything the session acquired, in the reference's order. Idempotent. */
  private async teardown(session: Session): Promise<void> {
    if (session.tornDown) return;
    session.tornDown = true;
    const { client, localStream } = session;
    if (client && session.joined) {
      if (localStream && session.published) await client.unpublish(localStream).catch(noop);
      await client.leave().catch(noop);
    }
    if (localStream) {
      this.awaitingGesture.delete(localStream);
      localStream.close();
      localStream.stop();
      // Tracks added by setCameraEnabled/setVideoPublished belong to the stream; stop them too.
      localStream.getVideoTrack()?.stop();
      localStream.getAudioTrack()?.stop();
    }
    for (const userID of [...session.remotes.keys()]) this.removeRemote(session, userID);
    if (client) {
      if (session.joined) {
        try {
          client.enableAudioVolumeEvaluation(-1);
        } catch {
          // a client that already left may refuse; nothing is running then
        }
      }
      session.wiring.unsubscribe();
      try {
        client.destroy?.();
      } catch {
        // destroy is best effort: the client has left already
      }
    }
    session.wiring.unsubscribe();
    if (this.awaitingGesture.size === 0) this.stopWaitingForGesture();
  }

  private async ensureVideoTrack(session: Session, stream: TrtcLocalStream): Promise<void> {
    const track = stream.getVideoTrack();
    if (track && track.readyState !== 'ended') {
      stream.unmuteVideo();
      // The reference's openCamera() never re-enabled a muted track (PROTOCOL.md §8.11).
      if (!track.enabled) track.enabled = true;
      return;
    }
    if (track) {
      await stream.removeTrack(track).catch(noop);
      track.stop();
    }
    const TRTC = await this.loadTrtc();
    const cameraID = this.preferred.camera ?? session.options.cameraID ?? session.cameraID;
    const capture = TRTC.createStream({
      audio: false,
      video: true,
      userId: session.userID,
      ...(cameraID ? { cameraId: cameraID } : {}),
    });
    capture.setVideoProfile({ ...(this.profile ?? session.options.profile) });
    try {
      await capture.initialize();
    } catch (error) {
      throw deviceError(error, 'camera');
    }
    const added = capture.getVideoTrack();
    if (!added) throw new TencentError(TENCENT_ERROR.NO_CAMERA, 'No camera or camera permission denied');
    if (session.tornDown) {
      added.stop();
      throw new TencentError(TENCENT_ERROR.NOT_IN_ROOM, 'trtcMedia: left the room while adding the camera');
    }
    try {
      await stream.addTrack(added);
    } catch (error) {
      added.stop();
      throw TencentError.from(error, TENCENT_ERROR.NO_CAMERA);
    }
    stream.unmuteVideo();
    if (!added.enabled) added.enabled = true;
    session.cameraID = cameraID ?? '';
    if (this.localTarget !== undefined) {
      stream.stop();
      this.play(stream, this.localTarget, true);
    }
  }

  /** When the device in use was unplugged, switches to another and says so (`deviceFallback`). */
  private async fallBackIfGone(devices: DeviceList): Promise<void> {
    const session = this.session;
    const stream = this.readyLocalStream();
    if (!session || !stream) return;
    const checks: ['microphone' | 'camera', string, readonly MediaDevice[]][] = [
      ['microphone', session.microphoneID, devices.microphones],
      ['camera', stream.getVideoTrack() ? session.cameraID : '', devices.cameras],
    ];
    for (const [kind, inUse, list] of checks) {
      if (!inUse || list.some((d) => d.deviceID === inUse)) continue;
      const to = list[0]?.deviceID;
      if (to) {
        try {
          await stream.switchDevice(kind === 'camera' ? 'video' : 'audio', to);
          if (kind === 'camera') session.cameraID = to;
          else session.microphoneID = to;
        } catch (error) {
          this.reportError(error);
          continue;
        }
      } else if (kind === 'camera') session.cameraID = '';
      else session.microphoneID = '';
      this.emit({ type: 'deviceFallback', kind, from: inUse, ...(to ? { to } : {}) });
    }
  }

  private play(stream: TrtcStream, target: ViewTarget, local = false): void {
    let playing: Promise<void>;
    try {
      playing = Promise.resolve(stream.play(target));
    } catch (error) {
      playing = Promise.reject(error);
    }
    playing.catch((error: unknown) => (local ? this.reportError(error) : this.onPlayError(stream, error)));
  }

  /** Plays a remote stream into a hidden element so its audio is heard without the app attaching it. */
  private playHidden(userID: string, remote: Remote): void {
    const doc = this.doc;
    if (!doc?.body) return; // no DOM (server side): nothing can play
    if (!this.layer || !this.layer.isConnected) {
      this.layer = doc.createElement('div');
      this.layer.style.display = 'none';
      this.layer.setAttribute('aria-hidden', 'true');
      this.layer.dataset['trtcCallingAudio'] = '';
      doc.body.appendChild(this.layer);
    }
    const container = doc.createElement('div');
    container.dataset['userId'] = userID;
    this.layer.appendChild(container);
    remote.container = container;
    this.play(remote.stream, container);
  }

  private removeContainer(remote: Remote): void {
    remote.container?.remove();
    remote.container = undefined;
    if (this.layer && this.layer.childElementCount === 0) {
      this.layer.remove();
      this.layer = undefined;
    }
  }

  /** Autoplay blocked (0x4043): report it and `resume()` on the next user gesture, as the reference does. */
  private onPlayError(stream: TrtcStream, error: unknown): void {
    if (sdkErrorCode(error) !== PLAY_NOT_ALLOWED) {
      this.reportError(error);
      return;
    }
    // TRTC both emits the stream's `error` and rejects play(): report the block once.
    if (this.awaitingGesture.has(stream)) return;
    this.emit({
      type: 'error',
      code: PLAY_NOT_ALLOWED,
      message: `autoplay blocked for ${stream.getUserId()}; playback resumes on the next user gesture`,
    });
    this.awaitingGesture.add(stream);
    this.waitForGesture();
  }

  private waitForGesture(): void {
    const doc = this.doc;
    if (!doc || this.gestureListening) return;
    this.gestureListening = true;
    for (const type of GESTURES) doc.addEventListener(type, this.onGesture, { capture: true });
  }

  private readonly onGesture = (): void => {
    const streams = [...this.awaitingGesture];
    this.awaitingGesture.clear();
    this.stopWaitingForGesture();
    for (const stream of streams) stream.resume().catch((error: unknown) => this.reportError(error));
  };

  private stopWaitingForGesture(): void {
    if (!this.gestureListening || !this.doc) return;
    this.gestureListening = false;
    for (const type of GESTURES) this.doc.removeEventListener(type, this.onGesture, { capture: true });
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
