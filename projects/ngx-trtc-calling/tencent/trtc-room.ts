import { asyncScheduler } from 'rxjs';
import type { TrtcClient, TrtcClientEventMap, TrtcRemoteStream } from './trtc-like';
import { isShareClient, screenOwner, SHARE_PREFIX, TrtcScreenShare } from './trtc-screen-share';
import { qualitiesOf, trtcStatsEvents } from './trtc-stats';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import { deviceError, pickDevice, refusedDevice } from './trtc-devices';
import {
  clientEvent,
  noop,
  streamErrors,
  type Remote,
  type Session,
  type TrtcEngineContext,
} from './trtc-session';

/**
 * The life of one call's room: join and publish in the reference's order, the client's events
 * mapped to media events, remote streams subscribed and played, and the teardown.
 */
export class TrtcRoom {
  /** Our screen share and the remote ones. */
  readonly screens: TrtcScreenShare;

  constructor(private readonly context: TrtcEngineContext) {
    this.screens = new TrtcScreenShare(context);
  }

  /**
   * `createClient`, `join`, `createStream`, `setVideoProfile`, `initialize`, `publish`
   * (PROTOCOL.md §5). Checks for an abort after every await; the caller tears down on failure.
   */
  async join(session: Session): Promise<void> {
    const { context } = this;
    const { options } = session;
    const TRTC = await context.loadTrtc();
    context.checkAborted(session);
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
    context.checkAborted(session);
    if (microphones.length === 0) {
      throw new TencentError(TENCENT_ERROR.NO_MICROPHONE, 'No microphone or microphone permission denied');
    }
    // A camera turned off before joining is not captured: the stream starts without video and
    // `setCameraEnabled(true)` adds the camera's track to it (ensureVideoTrack).
    const video = options.video && options.cameraEnabled !== false;
    if (video && cameras.length === 0) {
      throw new TencentError(TENCENT_ERROR.NO_CAMERA, 'No camera or camera permission denied');
    }
    const preferred = context.preferences.devices;
    session.microphoneID = pickDevice(microphones, options.microphoneID ?? preferred.microphone);
    session.cameraID = video ? pickDevice(cameras, options.cameraID ?? preferred.camera) : '';

    const client = TRTC.createClient({
      mode: 'rtc',
      sdkAppId: context.options.SDKAppID,
      userId: options.userID,
      userSig: options.userSig,
    });
    session.client = client;
    this.wireClient(session, client);
    await client.join({ roomId: options.roomID });
    session.joined = true;
    context.checkAborted(session);

    const stream = TRTC.createStream({
      audio: true,
      video,
      userId: options.userID,
      ...(session.microphoneID ? { microphoneId: session.microphoneID } : {}),
      ...(video && session.cameraID ? { cameraId: session.cameraID } : {}),
    });
    session.localStream = stream;
    context.preferences.profile = options.profile;
    stream.setVideoProfile({ ...options.profile });
    try {
      await stream.initialize();
    } catch (error) {
      if (!video) throw deviceError(error, 'microphone');
      throw deviceError(error, 'both', await refusedDevice(error));
    }
    session.initialized = true;
    context.checkAborted(session);
    // Peers must never hear/see what the user muted while the call was being set up.
    if (session.micMuted) stream.muteAudio();
    if (session.cameraOff) stream.muteVideo();
    try {
      await client.publish(stream);
      session.published = true;
    } catch (error) {
      // As the reference: a failed publish is reported, the call goes on (peers may still be heard).
      context.reportError(error);
    }
    context.checkAborted(session);
    client.enableAudioVolumeEvaluation(context.options.volumeInterval ?? 1000);
    session.wiring.add(
      trtcStatsEvents(
        client,
        options.userID,
        () => session.remotes.keys(),
        context.options.statsInterval ?? 2000,
        context.options.scheduler ?? asyncScheduler,
      ).subscribe((event) => context.emit(event)),
    );
    const { localTarget } = context.playback;
    if (localTarget !== undefined) context.playback.play(stream, localTarget, true);
  }

  /** Releases everything the session acquired, in the reference's order. Idempotent. */
  async teardown(session: Session): Promise<void> {
    if (session.tornDown) return;
    session.tornDown = true;
    const { client, localStream } = session;
    await this.screens.teardown(session);
    if (client && session.joined) {
      if (localStream && session.published) await client.unpublish(localStream).catch(noop);
      await client.leave().catch(noop);
    }
    if (localStream) {
      this.context.playback.forget(localStream);
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
    this.context.playback.stopIfIdle();
  }

  /** Maps the client's events for the life of the session (each a lazy listener, removed in teardown). */
  private wireClient(session: Session, client: TrtcClient): void {
    const { context } = this;
    const add = <K extends keyof TrtcClientEventMap>(
      name: K,
      handle: (event: TrtcClientEventMap[K]) => void,
    ) => session.wiring.add(clientEvent(client, name).subscribe(handle));
    add('stream-added', ({ stream }) => {
      // Our own share client's stream comes back to us: nothing to show.
      if (stream.getUserId() === `${SHARE_PREFIX}${session.userID}`) return;
      client.subscribe(stream).catch((error: unknown) => context.reportError(error));
    });
    add('stream-subscribed', ({ stream }) => {
      const owner = screenOwner(stream);
      if (owner === null) this.onSubscribed(session, stream);
      else if (!session.tornDown) this.screens.subscribed(session, owner, stream);
    });
    add('stream-removed', ({ stream }) => {
      const owner = screenOwner(stream);
      if (owner !== null) {
        this.screens.removed(session, owner, stream);
        return;
      }
      const userID = stream.getUserId();
      const remote = session.remotes.get(userID);
      if (remote && remote.stream.getId() === stream.getId()) this.removeRemote(session, userID);
      else {
        stream.stop();
        stream.close();
      }
    });
    add('peer-leave', ({ userId }) => {
      if (isShareClient(userId)) this.screens.removed(session, userId.slice(SHARE_PREFIX.length));
      else if (session.remotes.has(userId)) this.removeRemote(session, userId);
    });
    // A share client's track events are its screen's, not a user's.
    const availability =
      (type: 'audioAvailable' | 'videoAvailable', available: boolean) =>
      ({ userId }: { userId: string }) => {
        if (!isShareClient(userId)) context.emit({ type, userID: userId, available });
      };
    add('mute-audio', availability('audioAvailable', false));
    add('unmute-audio', availability('audioAvailable', true));
    add('mute-video', availability('videoAvailable', false));
    add('unmute-video', availability('videoAvailable', true));
    add('network-quality', (event) =>
      context.emit({
        type: 'networkQuality',
        qualities: qualitiesOf(event, session.userID, session.remotes.keys()),
      }),
    );
    add('audio-volume', ({ result }) =>
      context.emit({
        type: 'volume',
        volumes: (result ?? []).map((r) => ({ userID: r.userId, volume: r.audioVolume })),
      }),
    );
    add('error', (error) => context.reportError(error));
    add('client-banned', (event) =>
      context.emit({
        type: 'failed',
        code: TENCENT_ERROR.CLIENT_BANNED,
        message: `removed from the room: ${event?.reason ?? 'banned'}${event?.message ? ` (${event.message})` : ''}`,
      }),
    );
  }

  private onSubscribed(session: Session, stream: TrtcRemoteStream): void {
    if (session.tornDown) return;
    const { context } = this;
    const { playback } = context;
    const userID = stream.getUserId();
    const previous = session.remotes.get(userID);
    if (previous && previous.stream.getId() === stream.getId()) return;
    if (previous) {
      // Republished under a new stream: replace without a leave/enter pair.
      previous.errors.unsubscribe();
      previous.stream.stop();
      previous.stream.close();
      playback.removeContainer(previous);
    }
    const remote: Remote = {
      stream,
      errors: streamErrors(stream).subscribe((error) => playback.onPlayError(stream, error)),
    };
    session.remotes.set(userID, remote);
    const speaker = context.preferences.devices.speaker;
    if (speaker) {
      stream.setAudioOutput(speaker).catch((error: unknown) => context.reportError(error));
    }
    const target = playback.remoteTargets.get(userID);
    if (target !== undefined) playback.play(stream, target);
    else playback.playHidden(userID, remote);
    if (!previous) context.emit({ type: 'userEntered', userID });
  }

  private removeRemote(session: Session, userID: string): void {
    const remote = session.remotes.get(userID);
    if (!remote) return;
    session.remotes.delete(userID);
    remote.errors.unsubscribe();
    this.context.playback.forget(remote.stream);
    remote.stream.stop();
    remote.stream.close();
    this.context.playback.removeContainer(remote);
    this.context.emit({ type: 'userLeft', userID });
  }
}
