import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { WireMessage, WirePeer } from 'ngx-trtc-calling/wire';
import type { RoomPush } from './cluster';
import type { UserOrder } from './in-order';
import type { TokenBucket } from './token-bucket';

/** One WebSocket connection; bound to a `Session` once logged in. */
export class Connection {
  session: Session | null = null;
  missedPongs = 0;
  loginTimer: NodeJS.Timeout | undefined;
  /** Set once the server closes it or it closed: later frames are ignored. */
  closing = false;
  gone = false;
  warnedDrops = 0;
  /**
   * Frames are handled one after the other, in arrival order, even when a handler waits: while
   * one waits (`waiting` > 0), later frames chain behind `tail`; otherwise a frame is handled at
   * once, in the socket's own callback.
   */
  tail: Promise<void> | null = null;
  waiting = 0;

  /** Whether `socket` is corked until the end of this event-loop turn. */
  corked = false;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly address: string,
    readonly bucket: TokenBucket,
    /** Rate-limited frames it may still send (refilled over the strike window); empty: closed. */
    readonly strikes: TokenBucket,
    /** The socket under `ws`, when known: its frames of one loop turn are written together. */
    readonly socket: Duplex | undefined,
  ) {}
}

/** A logged-in session of a user: its peerID in rooms. Survives its socket during the grace period. */
export class Session {
  state: 'live' | 'grace' | 'ended' = 'live';
  readonly rooms = new Set<number>();
  graceTimer: NodeJS.Timeout | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  pending: RoomPush[] = [];
  /** While its login replay is read: live messages wait here (then the replay, then these). */
  replaying: WireMessage[] | null = null;

  constructor(
    readonly id: string,
    readonly user: LocalUser,
    public conn: Connection | null,
  ) {}

  get peer(): WirePeer {
    return { userID: this.user.id, peerID: this.id };
  }
}

/** The sessions of one user on this node. */
export class LocalUser {
  readonly sessions = new Set<Session>();
  /**
   * Highest seq pushed to a session here (catch-up after the bus reconnects starts after it).
   * Several nodes: every seq up to it was pushed here, in order (see `in-order.ts`).
   */
  pushedSeq = 0;
  /** Several nodes: `pushedSeq` is set (by the first login replay here). */
  synced = false;
  /** Several nodes: copies waiting for the seqs below them, while there are any. */
  order: UserOrder | undefined = undefined;

  constructor(readonly id: string) {}

  get online(): boolean {
    for (const s of this.sessions) if (s.conn) return true;
    return false;
  }
}
