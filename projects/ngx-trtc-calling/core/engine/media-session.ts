import { toMediaError } from '../errors';
import type { DeviceList, JoinOptions } from '../media/media-engine';
import {
  DEFAULT_VIDEO_PROFILE,
  VIDEO_PROFILES,
  type VideoProfile,
  type VideoProfileName,
} from '../media/video-profiles';
import type { ActiveCall } from '../state/call-state';
import type { CallEngine } from './engine';
import { mediaCause, wrongState } from './failures';

/**
 * Whether the media engine may exchange media with `userID` in the room of the call `callID`
 * (still the current one), `self` being this user: the call's inviter and participants, always.
 * An invitee of a group call also admits users it was not told about, because an inviter may add
 * people to a running group call and the protocol tells only the new invitees (as the reference
 * does); the server admits to a room only the users a member invited, so they are the call's.
 * The inviter knows everyone it invited, and a 1:1 call has exactly two users: both stay strict.
 */
export function admitsPeer(call: ActiveCall | null, callID: string, self: string, userID: string): boolean {
  if (!call || call.callID !== callID || userID === self) return false;
  if (call.inviter === userID || call.participants.some((p) => p.userID === userID)) return true;
  return call.isGroup && call.inviter !== self;
}

/**
 * Our side of the room: joining and leaving in one queue (so a leave never overtakes the
 * join before it), the camera and microphone, the video profile and preferred devices. The
 * audio↔video switch is `switching.ts`.
 */
export class MediaSession {
  readonly #engine: CallEngine;
  #joined = false;
  /** In the room receive-only for a ringing call (instant answer); `leave` undoes it. */
  #prepared = false;
  #queue: Promise<unknown> = Promise.resolve();
  #quality: VideoProfileName | VideoProfile = DEFAULT_VIDEO_PROFILE;
  #preferred: { cameraID?: string; microphoneID?: string } = {};

  constructor(engine: CallEngine) {
    this.#engine = engine;
  }

  /** Whether we are in the room. */
  get joined(): boolean {
    return this.#joined;
  }

  get quality(): VideoProfileName | VideoProfile {
    return this.#quality;
  }

  /**
   * Instant answer: enters the room of the ringing call `callID` receive-only (nothing captured,
   * nothing sent) so that `join` after Accept only adds the local tracks.
   */
  prepare(callID: string): Promise<void> {
    const engine = this.#engine;
    return this.#enqueue(async () => {
      const call = engine.call;
      const session = engine.session;
      if (!call || call.callID !== callID || engine.phase !== 'ringing' || !session || this.#joined) return;
      // Set before the await: a call that ends meanwhile leaves the room again.
      this.#prepared = true;
      await engine.mediaEngine.prepare({
        roomID: call.roomID,
        userID: session.userID,
        userSig: session.userSig,
        allowPeer: (userID) => admitsPeer(engine.call, callID, session.userID, userID),
      });
    });
  }

  /**
   * Joins the room of the call `callID`; rejects (leaving again) if that call ended meanwhile.
   * `rejoin`: the call is in progress without us (`JoinOptions.rejoin`).
   */
  join(callID: string, rejoin = false): Promise<void> {
    const engine = this.#engine;
    return this.#enqueue(async () => {
      const call = engine.call;
      const session = engine.session;
      if (!call || call.callID !== callID || !session) throw wrongState('the call ended');
      const options: JoinOptions = {
        roomID: call.roomID,
        userID: session.userID,
        userSig: session.userSig,
        video: call.callType === 2,
        // Turned off while ringing: the camera is never opened (`openCamera` opens it later).
        ...(call.callType === 2 && !call.cameraEnabled ? { cameraEnabled: false } : {}),
        profile: this.#profile(),
        ...this.#preferred,
        // Read at each peer: users invited into the call later are let in as well.
        allowPeer: (userID) => admitsPeer(engine.call, callID, session.userID, userID),
        ...(rejoin ? { rejoin } : {}),
      };
      let noCamera: unknown = null;
      try {
        await engine.mediaEngine.join(options);
      } catch (error) {
        // A video call without a camera goes on with audio only and 60004, as the reference's.
        if (!options.video || mediaCause(error) !== 'noCamera') throw error;
        noCamera = error;
        await engine.mediaEngine.join({ ...options, video: false });
      }
      this.#joined = true;
      this.#prepared = false;
      // The call may have ended while we were joining: leave again at once.
      if (engine.call?.callID !== callID) {
        this.#joined = false;
        await engine.mediaEngine.leave();
        throw wrongState('the call ended');
      }
      if (noCamera) {
        engine.commit({ type: 'localMedia', cameraEnabled: false });
        engine.emitError(toMediaError(noCamera, 'no camera: the call goes on with audio only'));
        return;
      }
      // Turned off or on while the join was under way (setCamera skips the engine until joined).
      const camera = engine.call.cameraEnabled;
      if (options.video && camera !== (options.cameraEnabled !== false)) {
        await engine.mediaEngine
          .setCameraEnabled(camera)
          .catch((error: unknown) => engine.emitError(toMediaError(error, 'camera on failed')));
      }
    });
  }

  leave(): void {
    if (!this.#joined && !this.#prepared) return;
    this.#joined = false;
    this.#prepared = false;
    this.#enqueue(() => this.#engine.mediaEngine.leave()).catch((error) =>
      this.#engine.log.warn('leave failed', error),
    );
  }

  /** Resolves once every queued join and leave has run. */
  async idle(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  async setMicMuted(muted: boolean): Promise<void> {
    if (this.#engine.call) this.#engine.commit({ type: 'localMedia', micMuted: muted });
    if (this.#joined) await this.#engine.mediaEngine.setMicMuted(muted);
  }

  async setCamera(enabled: boolean): Promise<void> {
    if (this.#engine.call) this.#engine.commit({ type: 'localMedia', cameraEnabled: enabled });
    if (!this.#joined) return;
    try {
      await this.#engine.mediaEngine.setCameraEnabled(enabled);
    } catch (error) {
      throw toMediaError(error, enabled ? 'camera on failed' : 'camera off failed');
    }
  }

  async setQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    this.#quality = profile;
    await this.#engine.mediaEngine.setVideoProfile(this.#profile());
  }

  /** Uses another device; cameras and microphones are remembered for later calls. */
  async switchDevice(kind: 'camera' | 'microphone' | 'speaker', deviceID: string): Promise<void> {
    if (kind === 'camera') this.#preferred = { ...this.#preferred, cameraID: deviceID };
    if (kind === 'microphone') this.#preferred = { ...this.#preferred, microphoneID: deviceID };
    await this.#engine.mediaEngine.switchDevice(kind, deviceID);
  }

  async refreshDevices(): Promise<DeviceList> {
    const devices = await this.#engine.mediaEngine.getDevices();
    this.#engine.devices$.next(devices);
    return devices;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #profile(): VideoProfile {
    return typeof this.#quality === 'string' ? VIDEO_PROFILES[this.#quality] : this.#quality;
  }
}
