import { Subscription } from 'rxjs';
import { CALLING_ERROR_CODE, type ViewTarget } from 'ngx-trtc-calling/core';
import { fromSdkEvent } from './sdk-event';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import type { TrtcRemoteStream } from './trtc-like';
import { noop, streamErrors, type Remote, type Session, type TrtcEngineContext } from './trtc-session';

/**
 * The userID prefix of a screen-share client. trtc-js-sdk 4.x publishes one stream per client,
 * so its screen-sharing guide (tutorial-16-basic-screencast) shares from a second client whose
 * userID is `share_<userID>`: peers see that user's stream as the screen of `<userID>`.
 */
export const SHARE_PREFIX = 'share_';

/** The user a remote stream is the screen share of (`null`: a camera/microphone stream). */
export function screenOwner(stream: TrtcRemoteStream): string | null {
  const userID = stream.getUserId();
  if (userID.startsWith(SHARE_PREFIX)) return userID.slice(SHARE_PREFIX.length);
  return stream.getType() === 'auxiliary' ? userID : null;
}

/** Whether `userID` is a screen-share client (its own events are not a user's). */
export function isShareClient(userID: string): boolean {
  return userID.startsWith(SHARE_PREFIX);
}

/**
 * Screen sharing on TRTC: locally, the second client of the SDK's guide (a `screen: true`
 * stream published as `share_<userID>`, with a UserSig from `TrtcMediaOptions.screenShareUserSig`);
 * remotely, `share_` (and `auxiliary`) streams are subscribed as the screens of their users.
 */
export class TrtcScreenShare {
  /** Where the app wants each remote user's screen; remembered until it is subscribed. */
  readonly #targets = new Map<string, ViewTarget>();

  constructor(private readonly context: TrtcEngineContext) {}

  /**
   * Captures the screen (the browser's picker) and publishes it from the share client. A refused
   * capture rejects with `SCREEN_SHARE_DENIED`; without `screenShareUserSig`, 60006.
   */
  async start(session: Session): Promise<void> {
    const { context } = this;
    const userSig = context.options.screenShareUserSig;
    if (!userSig) {
      throw new TencentError(
        TENCENT_ERROR.NOT_SUPPORTED,
        `screen sharing needs TrtcMediaOptions.screenShareUserSig (a UserSig for ${SHARE_PREFIX}${session.userID})`,
      );
    }
    if (!session.client || !session.joined || session.tornDown)
      throw new TencentError(TENCENT_ERROR.NOT_IN_ROOM, 'startScreenShare: not in a room');
    if (session.screenShare) return;
    const TRTC = await context.loadTrtc();
    const userId = `${SHARE_PREFIX}${session.userID}`;
    const stream = TRTC.createStream({ audio: false, screen: true, userId });
    try {
      await stream.initialize();
    } catch (error) {
      stream.close();
      if ((error as { name?: unknown })?.name === 'NotAllowedError')
        throw new TencentError(CALLING_ERROR_CODE.SCREEN_SHARE_DENIED, 'screen capture refused', {
          cause: error,
        });
      throw error;
    }
    const client = TRTC.createClient({
      mode: 'rtc',
      sdkAppId: context.options.SDKAppID,
      userId,
      userSig: await userSig(userId),
      autoSubscribe: false,
    });
    const share = { client, stream, wiring: new Subscription(), joined: false };
    session.screenShare = share;
    share.wiring.add(
      fromSdkEvent<void>(
        {
          on: (_, handler) => stream.on('screen-sharing-stopped', handler),
          off: (_, handler) => stream.off('screen-sharing-stopped', handler),
        },
        'screen-sharing-stopped',
      ).subscribe(() => {
        if (session.screenShare !== share) return;
        void this.stop(session).then(() => context.emit({ type: 'screenShareEnded' }));
      }),
    );
    try {
      await client.join({ roomId: session.options.roomID });
      share.joined = true;
      await client.publish(stream);
    } catch (error) {
      await this.stop(session);
      throw error;
    }
    // The call may have ended while the share client joined.
    if (session.tornDown || session.screenShare !== share) {
      await this.stop(session);
      throw new TencentError(TENCENT_ERROR.JOIN_ABORTED, 'the call ended while the screen share started');
    }
  }

  /** Unpublishes and closes the screen stream and its client; safe when not sharing. */
  async stop(session: Session): Promise<void> {
    const share = session.screenShare;
    if (!share) return;
    delete session.screenShare;
    share.wiring.unsubscribe();
    if (share.joined) {
      await share.client.unpublish(share.stream).catch(noop);
      await share.client.leave().catch(noop);
    }
    share.stream.close();
    share.stream.getVideoTrack()?.stop();
    try {
      share.client.destroy?.();
    } catch {
      // best effort: the client has left
    }
  }

  /** A remote screen was subscribed: plays it where the app wants it, and says it is there. */
  subscribed(session: Session, owner: string, stream: TrtcRemoteStream): void {
    const screens = (session.screens ??= new Map<string, Remote>());
    const previous = screens.get(owner);
    if (previous?.stream.getId() === stream.getId()) return;
    if (previous) this.#close(previous);
    screens.set(owner, {
      stream,
      errors: streamErrors(stream).subscribe((error) => this.context.playback.onPlayError(stream, error)),
    });
    const target = this.#targets.get(owner);
    if (target !== undefined) this.context.playback.play(stream, target);
    if (!previous) this.context.emit({ type: 'screenShareAvailable', userID: owner, available: true });
  }

  /** A remote screen is gone (unpublished, or its client left). */
  removed(session: Session, owner: string, stream?: TrtcRemoteStream): void {
    const remote = session.screens?.get(owner);
    if (!remote || (stream && remote.stream.getId() !== stream.getId())) return;
    session.screens?.delete(owner);
    this.#close(remote);
    this.context.emit({ type: 'screenShareAvailable', userID: owner, available: false });
  }

  attach(session: Session | undefined, userID: string, target: ViewTarget): void {
    this.#targets.set(userID, target);
    const remote = session?.screens?.get(userID);
    if (!remote) return;
    remote.stream.stop();
    this.context.playback.play(remote.stream, target);
  }

  detach(session: Session | undefined, userID: string): void {
    this.#targets.delete(userID);
    session?.screens?.get(userID)?.stream.stop();
  }

  /** The call ends: our share stops, remote screens close (reported gone). */
  async teardown(session: Session): Promise<void> {
    await this.stop(session);
    for (const owner of [...(session.screens?.keys() ?? [])]) this.removed(session, owner);
  }

  #close(remote: Remote): void {
    remote.errors.unsubscribe();
    this.context.playback.forget(remote.stream);
    remote.stream.stop();
    remote.stream.close();
  }
}
