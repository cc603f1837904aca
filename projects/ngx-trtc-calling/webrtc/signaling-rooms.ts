import { Subject, type Observable } from 'rxjs';
import type { OkResults, ServerFrame } from 'ngx-trtc-calling/wire';
import type { TransportLogger } from './logger';
import type { RoomPeerEvent, RoomRtcMessage, RoomSfuEvent, RoomStatusEvent } from './room-signaling';

type PeerFrame = Extract<ServerFrame, { readonly t: 'peer' }>;
type RtcFrame = Extract<ServerFrame, { readonly t: 'rtc' }>;
type SfuFrame = Extract<ServerFrame, { readonly t: 'room.sfu' }>;

/**
 * The WebRTC rooms of a signaling session: which rooms it is in (joined again after a reconnect
 * that could not resume the session) and the room pushes, as streams.
 */
export class SignalingRooms {
  /** Peers joining/leaving the rooms this session is in. */
  readonly peerEvents$: Observable<RoomPeerEvent>;
  /** Negotiation relayed from peers of the rooms this session is in. */
  readonly rtc$: Observable<RoomRtcMessage>;
  /** Rooms joined again (or lost) after a reconnect. */
  readonly roomStatus$: Observable<RoomStatusEvent>;
  /** Rooms whose media moved to an SFU. */
  readonly sfu$: Observable<RoomSfuEvent>;

  readonly #rooms = new Set<number>();
  /** Rooms joined receive-only (instant answer): joined again so after a reconnect. */
  readonly #prepared = new Set<number>();
  readonly #peerSubject = new Subject<RoomPeerEvent>();
  readonly #rtcSubject = new Subject<RoomRtcMessage>();
  readonly #roomStatusSubject = new Subject<RoomStatusEvent>();
  readonly #sfuSubject = new Subject<RoomSfuEvent>();

  readonly #logger: TransportLogger;

  constructor(logger: TransportLogger) {
    this.#logger = logger;
    this.peerEvents$ = this.#peerSubject.asObservable();
    this.rtc$ = this.#rtcSubject.asObservable();
    this.roomStatus$ = this.#roomStatusSubject.asObservable();
    this.sfu$ = this.#sfuSubject.asObservable();
  }

  /** The session is in `roomID` (`prepared`: receive-only) until `left` or `clear`. */
  joined(roomID: number, prepared = false): void {
    this.#rooms.add(roomID);
    if (prepared) this.#prepared.add(roomID);
    else this.#prepared.delete(roomID);
  }

  left(roomID: number): void {
    this.#rooms.delete(roomID);
    this.#prepared.delete(roomID);
  }

  /** The session ended: it is in no room. */
  clear(): void {
    this.#rooms.clear();
    this.#prepared.clear();
  }

  peer(frame: PeerFrame): void {
    this.#peerSubject.next({ roomID: frame.roomID, event: frame.event, peer: frame.peer });
  }

  rtc(frame: RtcFrame): void {
    this.#rtcSubject.next({ roomID: frame.roomID, from: frame.from, payload: frame.payload });
  }

  sfu(frame: SfuFrame): void {
    this.#sfuSubject.next({ roomID: frame.roomID, sfu: frame.sfu });
  }

  /** A fresh server session: joins every room again with `join`, reporting `rejoined` or `lost`. */
  rejoinAll(join: (roomID: number, prepared: boolean) => Promise<OkResults['room.join']>): void {
    // A prepared room is joined prepared again: its peers must not see the ringing user enter.
    for (const roomID of [...this.#rooms])
      void this.#rejoin(roomID, (id) => join(id, this.#prepared.has(id)));
  }

  complete(): void {
    this.#peerSubject.complete();
    this.#rtcSubject.complete();
    this.#roomStatusSubject.complete();
    this.#sfuSubject.complete();
  }

  async #rejoin(roomID: number, join: (roomID: number) => Promise<OkResults['room.join']>): Promise<void> {
    try {
      const result = await join(roomID);
      if (this.#rooms.has(roomID)) {
        this.#roomStatusSubject.next({
          type: 'rejoined',
          roomID,
          peerID: result.peerID,
          peers: result.peers,
        });
      }
    } catch (error) {
      if (!this.#rooms.delete(roomID)) return;
      this.#logger('warn', `could not rejoin room ${roomID} after reconnect`, error);
      this.#roomStatusSubject.next({ type: 'lost', roomID, error: asError(error) });
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
