import type { Subscription } from 'rxjs';
import type { WirePeer } from 'ngx-trtc-calling/wire';
import type { MediaEnvironment } from './media-environment';
import type { PeerLink } from './peer-link';
import type { VolumeMeter } from './volume-meter';

export type TrackKind = 'audio' | 'video';

/** The browser APIs a session cannot do without (checked by `join`). */
export type SessionEnvironment = MediaEnvironment & {
  readonly mediaDevices: MediaDevices;
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly MediaStream: typeof MediaStream;
};

/** One remote peer session of the room. */
export interface RemotePeer {
  readonly peer: WirePeer;
  link?: PeerLink;
  /** Its last `media` payload. */
  media?: { readonly audio: boolean; readonly video: boolean };
  /** A remote track arrived on its link. */
  hasTrack: boolean;
  /**
   * In the room receive-only for a ringing invitation (`WirePeer.prepared`): linked (ICE and DTLS
   * done) but not entered, and sent nothing, until its user accepts and it joins for real.
   */
  prepared?: boolean;
  /**
   * Its link belongs to a server session that is gone (the server restarted): the media may
   * still flow peer to peer, so it stays until the same user's new link carries tracks, and
   * is dropped quietly if it fails.
   */
  stale?: boolean;
}

/** Everything that exists between `join` and `leave`. */
export interface Session {
  readonly roomID: number;
  readonly userID: string;
  /** Whether a peer's user belongs to the call (`JoinOptions.allowPeer`; all do when it is absent). */
  readonly allowPeer: (userID: string) => boolean;
  /** This session's peerID in the room (empty until the server answered the join). */
  peerID: string;
  /**
   * Instant answer: in the room receive-only while our invitation rings (`prepare`): no local
   * track, nobody announced as entered, nothing rendered, until `join` completes it.
   */
  prepared?: boolean;
  /** Room pushes are buffered until the join answer gives our peerID. */
  ready: boolean;
  readonly buffered: (() => void)[];
  readonly env: SessionEnvironment;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  readonly peers: Map<string, RemotePeer>;
  /** Users whose `userEntered` was emitted and not yet their `userLeft`. */
  readonly entered: Set<string>;
  /** The audio/video availability last emitted per user. */
  readonly announced: Map<string, { audio?: boolean; video?: boolean }>;
  readonly subscriptions: Subscription;
  readonly meter: VolumeMeter;
}

/** The key of the local camera's view and of the local meter. */
export const LOCAL = 'local';
/** The key of a remote user's view and meter (kept apart from `LOCAL` whatever the userID). */
export const userKey = (userID: string): string => `user:${userID}`;

/** The session's open connections. */
export function openLinks(session: Session): PeerLink[] {
  return [...session.peers.values()].flatMap((p) => (p.link && !p.link.isClosed ? [p.link] : []));
}
