import {
  VIDEO_PROFILES,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaEvent,
  type VideoProfile,
} from 'ngx-trtc-calling/core';
import { chooseFallbackDevice, devicesOfKind, isDevicePresent } from './device-choice';
import type { TransportLogger } from './logger';
import {
  audioConstraints,
  isAccessDeniedError,
  isMissingDeviceError,
  mediaError,
  videoConstraints,
} from './media-constraints';
import { LOCAL, openLinks, type Session, type SessionEnvironment, type TrackKind } from './media-session';
import type { MediaViews } from './media-views';
import type { PeerLink } from './peer-link';

/** What local media needs from the engine. */
export interface LocalMediaHost {
  readonly views: MediaViews;
  readonly logger: TransportLogger;
  emit(event: MediaEvent): void;
  /** Whether `session` is still the engine's (an await may have outlived it). */
  isCurrent(session: Session): boolean;
  /** What the peers should know of our media changed. */
  changed(session: Session): void;
  /** A local track ended (its device was unplugged, or the browser revoked it). */
  trackEnded(): void;
}

/**
 * The local side of a call: the chosen devices and profile (kept across calls), the microphone
 * and camera tracks, mute and camera-off, the audio↔video switch and the falling back from a
 * device that is gone. Tracks are swapped on the senders without renegotiation.
 */
export class LocalMedia {
  #profile: VideoProfile = VIDEO_PROFILES['480p'];
  #cameraID: string | undefined;
  #microphoneID: string | undefined;
  #speakerID: string | undefined;
  #micMuted = false;
  #cameraEnabled = true;
  #videoPublished = false;
  /** One listener object, so that the one added to a track is the one removed. */
  readonly #onTrackEnded = () => this.#host.trackEnded();

  readonly #host: LocalMediaHost;

  constructor(host: LocalMediaHost) {
    this.#host = host;
  }

  /** The video profile of the next camera opened. */
  get profile(): VideoProfile {
    return this.#profile;
  }

  /** The chosen camera and microphone (a device check opens these unless told otherwise). */
  get chosen(): { cameraID?: string; microphoneID?: string } {
    return {
      ...(this.#cameraID ? { cameraID: this.#cameraID } : {}),
      ...(this.#microphoneID ? { microphoneID: this.#microphoneID } : {}),
    };
  }

  /** A join starts: its profile and devices, unmuted, camera and video as asked. */
  prepare(options: JoinOptions): void {
    this.#profile = options.profile;
    if (options.cameraID) this.#cameraID = options.cameraID;
    if (options.microphoneID) this.#microphoneID = options.microphoneID;
    this.#micMuted = false;
    this.#cameraEnabled = options.cameraEnabled !== false;
    this.#videoPublished = options.video;
  }

  /**
   * Whether the join opens the camera: not when it was turned off before (the video stays
   * published: its transceiver is created without a track, and `setCameraEnabled(true)` fills it).
   */
  opensCamera(options: JoinOptions): boolean {
    return options.video && options.cameraEnabled !== false;
  }

  /** The room is joined: watch the tracks, show the camera, measure the microphone, use the speaker. */
  start(session: Session): void {
    this.#watch(session.audio);
    this.#watch(session.video);
    this.#refreshView(session);
    session.meter.set(LOCAL, session.audio);
  }

  /** Sends remote audio to the chosen speaker, if one was chosen. */
  restoreSpeaker(): void {
    if (this.#speakerID) void this.#host.views.setSinkID(this.#speakerID);
  }

  /** What peers are told about our media. */
  state(session: Session): { audio: boolean; video: boolean } {
    const live = (t: MediaStreamTrack | null) => !!t && t.readyState === 'live';
    return {
      audio: live(session.audio) && !this.#micMuted,
      video: live(session.video) && this.#videoPublished && this.#cameraEnabled,
    };
  }

  /**
   * Opens the microphone (and camera) for a join in one `getUserMedia` call; when that fails for
   * any reason but a denial, opens them one by one so that the error names the missing device
   * and a chosen device that is gone falls back to any other.
   */
  async open(
    env: SessionEnvironment,
    video: boolean,
  ): Promise<{ audio: MediaStreamTrack; video: MediaStreamTrack | null }> {
    try {
      const stream = await env.mediaDevices.getUserMedia({
        audio: audioConstraints(this.#microphoneID),
        video: video ? videoConstraints(this.#profile, this.#cameraID) : false,
      });
      const audioTrack = stream.getAudioTracks()[0];
      const videoTrack = stream.getVideoTracks()[0] ?? null;
      if (audioTrack && (!video || videoTrack)) return { audio: audioTrack, video: videoTrack };
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      if (isAccessDeniedError(error)) throw await this.#denied(env, error, video);
      this.#host.logger('debug', 'getUserMedia failed; opening devices one by one', error);
    }
    const audioTrack = await this.#openTrack(env, 'audio', true);
    if (!video) return { audio: audioTrack, video: null };
    try {
      return { audio: audioTrack, video: await this.#openTrack(env, 'video', true) };
    } catch (error) {
      audioTrack.stop();
      throw error;
    }
  }

  /**
   * The error for a refused request, naming the device: a refusal of camera and microphone
   * together is the camera's when the microphone alone is granted (the browser says only
   * "not allowed"), so that the call can end saying the camera was denied, not guessing.
   */
  async #denied(env: SessionEnvironment, error: unknown, video: boolean): Promise<Error> {
    if (!video) return mediaError(error, 'audio');
    try {
      const probe = await env.mediaDevices.getUserMedia({ audio: audioConstraints(this.#microphoneID) });
      for (const track of probe.getTracks()) track.stop();
    } catch (probeError) {
      return mediaError(probeError, 'audio');
    }
    return mediaError(error, 'video');
  }

  /** Stops a track of a session that ends. */
  stop(track: MediaStreamTrack): void {
    track.removeEventListener('ended', this.#onTrackEnded);
    track.stop();
  }

  /** Mutes (`track.enabled = false`) or unmutes the microphone. */
  setMicMuted(session: Session, muted: boolean): void {
    this.#micMuted = muted;
    if (session.audio) session.audio.enabled = !muted;
    this.#host.changed(session);
  }

  /** Stops the camera (its light goes off; the senders send nothing) or opens it again. */
  async setCameraEnabled(session: Session, enabled: boolean): Promise<void> {
    this.#cameraEnabled = enabled;
    if (this.#videoPublished) {
      if (!enabled) {
        await this.#use(session, 'video', null);
      } else if (!session.video || session.video.readyState === 'ended') {
        const track = await this.#openTrack(session.env, 'video', true);
        if (!this.#host.isCurrent(session)) {
          track.stop();
          return;
        }
        await this.#use(session, 'video', track);
      }
    }
    this.#host.changed(session);
  }

  /** Adds (opening the camera) or removes the video, by swapping the senders' track. */
  async setVideoPublished(session: Session, published: boolean): Promise<void> {
    if (published === this.#videoPublished) return;
    if (published) {
      const track =
        session.video && session.video.readyState === 'live'
          ? session.video
          : await this.#openTrack(session.env, 'video', true);
      if (!this.#host.isCurrent(session)) {
        track.stop();
        return;
      }
      this.#videoPublished = true;
      this.#cameraEnabled = true;
      this.#setTrack(session, 'video', track);
    } else {
      this.#videoPublished = false;
      this.#setTrack(session, 'video', null);
    }
    await Promise.all(openLinks(session).map((link) => link.update()));
    this.#host.changed(session);
  }

  /**
   * Uses another device from now on (remembered for the next join): the camera or microphone
   * is reopened with exactly that device; the speaker is set on the remote-audio elements.
   */
  async switchDevice(session: Session | undefined, kind: DeviceKind, deviceID: string): Promise<void> {
    if (kind === 'speaker') {
      this.#speakerID = deviceID;
      if (!this.#host.views.canSetSink()) {
        this.#host.logger('warn', 'this browser cannot choose the speaker (no setSinkId)');
      }
      await this.#host.views.setSinkID(deviceID);
      return;
    }
    const trackKind: TrackKind = kind === 'camera' ? 'video' : 'audio';
    if (kind === 'camera') this.#cameraID = deviceID;
    else this.#microphoneID = deviceID;
    if (!session || !session[trackKind]) return;
    const track = await this.#openTrack(session.env, trackKind, false);
    if (!this.#host.isCurrent(session)) {
      track.stop();
      return;
    }
    await this.#use(session, trackKind, track);
  }

  /** Applies a profile: `applyConstraints` on the camera track and `maxBitrate` on every video sender. */
  async setProfile(session: Session | undefined, profile: VideoProfile): Promise<void> {
    this.#profile = profile;
    if (!session) return;
    if (session.video) {
      const { deviceId: _ignored, ...constraints } = videoConstraints(profile);
      await session.video.applyConstraints(constraints).catch((error: unknown) => {
        this.#host.logger('warn', 'the camera refused the new profile', error);
      });
    }
    await Promise.all(openLinks(session).map((link) => this.applyBitrate(link)));
  }

  /** Limits the link's video sender to the profile's bitrate (once it has encodings). */
  async applyBitrate(link: PeerLink): Promise<void> {
    const sender = link.senderOf('video');
    if (!sender || typeof sender.getParameters !== 'function') return;
    const parameters = sender.getParameters();
    // Before the first negotiation completes there are no encodings to limit.
    if (!parameters.encodings || parameters.encodings.length === 0) return;
    const maxBitrate = this.#profile.bitrate * 1000;
    if (parameters.encodings.every((e) => e.maxBitrate === maxBitrate)) return;
    for (const encoding of parameters.encodings) encoding.maxBitrate = maxBitrate;
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      this.#host.logger('debug', 'could not set the video bitrate', error);
    }
  }

  /** After a `devicechange` (or a track ended): reopens or replaces what is gone, and says so. */
  async fallBackFromLostDevices(session: Session | undefined, devices: DeviceList): Promise<void> {
    if (!session?.ready) return;
    for (const kind of ['audio', 'video'] as const) {
      const track = session[kind];
      if (!track) continue;
      const deviceKind: DeviceKind = kind === 'audio' ? 'microphone' : 'camera';
      const inUse =
        track.getSettings().deviceId ?? (kind === 'audio' ? this.#microphoneID : this.#cameraID) ?? '';
      const present = inUse !== '' && isDevicePresent(devices, deviceKind, inUse);
      if (track.readyState === 'live' && (present || inUse === '')) continue;
      // Gone, or its track ended: the same device again if it is still listed, else another.
      const chosen = kind === 'audio' ? this.#microphoneID : this.#cameraID;
      const next = present
        ? inUse
        : chooseFallbackDevice(devicesOfKind(devices, deviceKind), inUse, chosen)?.deviceID;
      let replacement: MediaStreamTrack | null = null;
      if (next !== undefined) {
        try {
          const stream = await session.env.mediaDevices.getUserMedia(
            kind === 'audio'
              ? { audio: audioConstraints(next) }
              : { video: videoConstraints(this.#profile, next) },
          );
          replacement = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null;
        } catch (error) {
          this.#host.logger('warn', `could not open ${deviceKind} ${next}`, error);
        }
      }
      if (!this.#host.isCurrent(session)) {
        replacement?.stop();
        return;
      }
      await this.#use(session, kind, replacement);
      this.#host.changed(session);
      const to = replacement?.getSettings().deviceId ?? next;
      if (!replacement || to !== inUse) {
        this.#host.emit({
          type: 'deviceFallback',
          kind: deviceKind,
          from: inUse,
          ...(replacement && to ? { to } : {}),
        });
      }
    }
    const speaker = this.#speakerID;
    if (speaker && !isDevicePresent(devices, 'speaker', speaker)) {
      this.#speakerID = undefined;
      await this.#host.views.setSinkID('');
      const to = chooseFallbackDevice(devices.speakers, speaker)?.deviceID;
      this.#host.emit({ type: 'deviceFallback', kind: 'speaker', from: speaker, ...(to ? { to } : {}) });
    }
  }

  /** Opens one device: the chosen one, or (with `fallback`) any other when the chosen one is gone. */
  async #openTrack(env: SessionEnvironment, kind: TrackKind, fallback: boolean): Promise<MediaStreamTrack> {
    const chosen = kind === 'audio' ? this.#microphoneID : this.#cameraID;
    const constraints = (deviceID?: string): MediaStreamConstraints =>
      kind === 'audio'
        ? { audio: audioConstraints(deviceID) }
        : { video: videoConstraints(this.#profile, deviceID) };
    const first = async (deviceID?: string) => {
      const stream = await env.mediaDevices.getUserMedia(constraints(deviceID));
      const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      if (!track)
        throw Object.assign(new Error(`getUserMedia returned no ${kind} track`), { name: 'NotFoundError' });
      return track;
    };
    try {
      return await first(chosen);
    } catch (error) {
      if (!fallback || !chosen || !isMissingDeviceError(error)) throw mediaError(error, kind);
      this.#host.logger('warn', `the chosen ${kind} device ${chosen} is gone; using another`, error);
    }
    let track: MediaStreamTrack;
    try {
      track = await first(undefined);
    } catch (error) {
      throw mediaError(error, kind);
    }
    this.#host.emit({
      type: 'deviceFallback',
      kind: kind === 'audio' ? 'microphone' : 'camera',
      from: chosen,
      ...(track.getSettings().deviceId ? { to: track.getSettings().deviceId } : {}),
    });
    return track;
  }

  /** Puts `track` in place of the local track of `kind` everywhere (senders without renegotiation, views, meter). */
  async #use(session: Session, kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    this.#setTrack(session, kind, track);
    await Promise.all(openLinks(session).map((link) => link.replaceTrack(kind, track)));
  }

  /** Swaps the session's local track of `kind` (stopping the old one), updates view and meter. */
  #setTrack(session: Session, kind: TrackKind, track: MediaStreamTrack | null): void {
    const old = session[kind];
    if (old === track) return;
    if (kind === 'audio' && track) track.enabled = !this.#micMuted;
    session[kind] = track;
    this.#watch(track);
    if (old) this.stop(old);
    if (kind === 'audio') session.meter.set(LOCAL, track);
    else this.#refreshView(session);
  }

  #watch(track: MediaStreamTrack | null): void {
    // A device unplugged mid-call ends its track, sometimes before `devicechange` fires.
    track?.addEventListener('ended', this.#onTrackEnded);
  }

  #refreshView(session: Session): void {
    const video = session.video;
    this.#host.views.setStream(LOCAL, video ? new session.env.MediaStream([video]) : undefined);
  }
}
