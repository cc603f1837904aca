import type { SchedulerLike } from 'rxjs';
import type { TransportLogger } from './logger';
import type { MediaEnvironment } from './media-environment';
import type { RoomSignaling } from './room-signaling';
import type { SfuLoader } from './sfu-handoff';

/** Options of `webRtcMedia`. */
export interface WebRtcMediaOptions {
  /** The room side of the signaling (a `WebSocketSignaling`, logged in before `join`). */
  readonly signaling: RoomSignaling;
  /**
   * The app's own STUN/TURN servers, used beside those the signaling server issues (its
   * `ice.servers`: STUN, and TURN with time-limited credentials, renewed before they expire).
   * Default none: with a server that issues none, host candidates only (one machine or a LAN).
   */
  readonly iceServers?: readonly RTCIceServer[];
  /** `'relay'`: connect through TURN only (hides the users' addresses from each other); default `'all'`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Ask the signaling server for ICE servers (`ice.servers`) before connecting; default true. */
  readonly serverIceServers?: boolean;
  /**
   * How long a peer connection (or an ICE restart) may take to connect before it counts as
   * failed, ms; default 15 000. A connection that gathers no candidate at all fails at once.
   */
  readonly connectTimeout?: number;
  /** Peer sessions a room may hold, this one included (a mesh sends one stream per peer); default 6. */
  readonly maxParticipants?: number;
  /** Scheduler of the volume timer; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Interval of `volume` events, ms; default 1 000. */
  readonly volumeInterval?: number;
  /** Interval of `stats` and `networkQuality` events (one `getStats` per peer), ms; default 2 000. */
  readonly statsInterval?: number;
  /** ICE restarts tried on a failed connection before `failed` is emitted; default 2. */
  readonly maxIceRestarts?: number;
  /**
   * How long a user whose connection was up and then failed for good stays in the call, waiting
   * for them to come back (a reload: the self-hosted server holds their place for its rejoin
   * grace and says they left only after it), ms; default 30 000; 0 fails at once as before.
   */
  readonly peerReturnWait?: number;
  /** Browser APIs to use instead of the globals (looked up only when a method needs them). */
  readonly environment?: Partial<MediaEnvironment>;
  /** Where recoveries and ignored input are reported; default the console. */
  readonly logger?: TransportLogger;
  /**
   * Loads the SFU engine for rooms the server places on a media server (`room.join` answered
   * with `sfu`, or a `room.sfu` push), e.g. `() => import('ngx-trtc-calling/janus')`; loaded only
   * then. Without it such a room fails with `SFU_FAILED`.
   */
  readonly sfu?: SfuLoader;
  /** How long users may be away while the room's media moves (mesh → SFU, or a dead SFU instance), ms; default 20 000. */
  readonly moveGrace?: number;
  /** Interval of a device check's `level$`, ms; default 200. */
  readonly levelInterval?: number;
  /** Length of a device check's test tone, ms; default 1 000. */
  readonly toneMs?: number;
}
