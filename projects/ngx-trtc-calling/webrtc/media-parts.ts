import type { SchedulerLike, Subscription } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import { MEDIA_ERROR } from './errors';
import { IceServers } from './ice-servers';
import { LocalMedia } from './local-media';
import type { TransportLogger } from './logger';
import type { MediaEnvironment } from './media-environment';
import type { Session } from './media-session';
import { MediaViews } from './media-views';
import { RoomMesh } from './room-mesh';
import { RoomUsers } from './room-users';
import { ScreenShares } from './screen-shares';
import { SfuHandoff } from './sfu-handoff';
import type { WebRtcMediaOptions } from './web-rtc-media-options';

/**
 * The parts of a `WebRtcMedia`: the local tracks and devices (`LocalMedia`), the links (`RoomMesh`),
 * the SFU hand-off, the screen shares, the rendered views and the ICE servers they all use.
 */
export interface MediaParts {
  readonly views: MediaViews;
  readonly local: LocalMedia;
  readonly iceServers: IceServers;
  readonly handoff: SfuHandoff;
  readonly screens: ScreenShares;
  readonly mesh: RoomMesh;
  /** Forgets the issued ICE servers on logout (until `destroy`). */
  readonly loginWatch: Subscription | undefined;
}

/** What the parts need of the engine that holds them. */
export interface MediaPartsHost {
  readonly logger: TransportLogger;
  readonly scheduler: SchedulerLike;
  readonly environment: () => MediaEnvironment;
  /** The session between `join` (or `prepare`) and `leave`, if any. */
  readonly session: () => Session | undefined;
  readonly emit: (event: MediaEvent) => void;
  /** A local track ended: the device lists are read again. */
  readonly trackEnded: () => void;
}

/** Builds the parts and wires them to each other (they call each other back only after `join`). */
export function createMediaParts(options: WebRtcMediaOptions, host: MediaPartsHost): MediaParts {
  const { logger, scheduler, emit } = host;
  const isCurrent = (session: Session) => host.session() === session;
  const views = new MediaViews({
    document: () => host.environment().document,
    autoplayBlocked: (what, error) =>
      emit({
        type: 'error',
        code: MEDIA_ERROR.AUTOPLAY_BLOCKED,
        message: `the browser blocked playback of ${what} until the user interacts with the page (${String(error)})`,
      }),
    gesture: () => host.session()?.meter.resume(),
    logger,
  });
  const local = new LocalMedia({
    views,
    logger,
    emit,
    isCurrent,
    changed: (session) => {
      mesh.broadcastMediaState(session);
      handoff.changed(session);
    },
    trackEnded: host.trackEnded,
  });
  const { signaling } = options;
  const iceServers = new IceServers({
    own: options.iceServers ?? [],
    ...(signaling.iceServers && options.serverIceServers !== false
      ? { fetch: () => signaling.iceServers?.() ?? Promise.reject(new Error('no ice.servers')) }
      : {}),
    now: () => scheduler.now(),
    logger,
  });
  // TURN credentials are issued to the logged-in user: none outlive the login.
  const loginWatch = signaling.state$?.subscribe((state) => {
    if (state.status === 'loggedOut' || state.status === 'kickedOut') iceServers.clear();
  });
  const handoff = new SfuHandoff({
    loader: options.sfu,
    signaling: options.signaling,
    views,
    get iceServers() {
      return iceServers.latest;
    },
    ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    renewIceServers: () => iceServers.current(),
    scheduler,
    logger,
    moveGrace: options.moveGrace ?? 20_000,
    emit,
    isCurrent,
    local: (session) => ({
      audio: session.audio,
      video: session.video,
      sending: local.state(session),
    }),
    closeMesh: (session) => {
      screens.moveToSfu(session);
      mesh.close(session);
    },
  });
  const screens = new ScreenShares({
    views,
    signaling,
    logger,
    emit,
    updateLinks: (session) => mesh.updateScreens(session),
  });
  const mesh: RoomMesh = new RoomMesh({
    signaling: handoff.meshSignaling(signaling),
    get iceServers() {
      return iceServers.latest;
    },
    ice: {
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      refreshIceServers: () => iceServers.refresh(),
      connectTimeout: options.connectTimeout ?? 15_000,
      disconnectedTimeout: 3_000,
      scheduler,
    },
    maxIceRestarts: options.maxIceRestarts ?? 2,
    peerReturnWait: options.peerReturnWait ?? 30_000,
    logger,
    local,
    users: new RoomUsers(views, emit),
    screens,
    emit,
    isCurrent,
  });
  return { views, local, iceServers, handoff, screens, mesh, loginWatch };
}
