import type { Observable } from 'rxjs';

/** Where a message travels: to one user, or to every member of an IM group. */
export type ConversationType = 'C2C' | 'GROUP';

/** A custom message as the IM layer delivers it: no call logic, just who sent what where. */
export interface IncomingMessage {
  /** Unique message ID (dedupe key across live delivery and history). */
  readonly id: string;
  /** The authenticated sender. Equal to the logged-in user for this user's own messages from another device. */
  readonly from: string;
  readonly conversationType: ConversationType;
  /** Set for GROUP messages. */
  readonly groupID?: string;
  /** The custom message data: for signaling, the envelope JSON. */
  readonly data: string;
  /** Server time of the message, epoch milliseconds. */
  readonly time: number;
}

/** The extras the IM layer attaches to an outgoing signaling message (PROTOCOL.md §2.1). */
export interface OutgoingOfflinePush {
  readonly title: string;
  readonly description: string;
  readonly androidOPPOChannelID: string;
  /** JSON string of `{entity, userData}`. */
  readonly extension: string;
}

/** A custom message to send. */
export interface OutgoingMessage {
  /** userID (C2C) or groupID (GROUP). */
  readonly to: string;
  readonly conversationType: ConversationType;
  /** The envelope JSON. */
  readonly data: string;
  /** Only on INVITE. */
  readonly offlinePushInfo?: OutgoingOfflinePush;
}

/** What a successful send returns. */
export interface SentMessage {
  readonly id: string;
  /** Server time, epoch milliseconds. */
  readonly time: number;
  /**
   * C2C only: the backend knows the recipient has no session (not logged in anywhere); the
   * message waits for them and reaches them at login. Absent where the backend cannot know
   * (Tencent IM).
   */
  readonly offline?: boolean | undefined;
}

/** Why a session was kicked out (TIM's `KICKED_OUT` types). */
export type KickedOutReason =
  'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick' | (string & {});

/** Connection state of the IM layer. */
export type SignalingState =
  | { readonly status: 'loggedOut' }
  | { readonly status: 'connecting' }
  /** Logged in and able to send and receive (TIM `SDK_READY`). */
  | { readonly status: 'ready' }
  /** Logged in but temporarily unable to deliver (network down, reconnecting; TIM `SDK_NOT_READY`/net state). */
  | { readonly status: 'notReady'; readonly reason?: string }
  | { readonly status: 'kickedOut'; readonly reason: KickedOutReason };

/** Credentials for `login`. */
export interface Credentials {
  readonly userID: string;
  readonly userSig: string;
}

/** Which recent messages `history` returns. */
export interface HistoryQuery {
  /** Oldest message time to include, epoch milliseconds. */
  readonly since: number;
  /** At most this many messages, newest kept. */
  readonly limit: number;
}

/**
 * The IM port: what Tencent IM (or the self-hosted server) gives the call logic.
 * Implementations carry no call logic.
 *
 * Contract:
 * - `messages$` is hot: it emits every custom message received after subscription while
 *   logged in, including this user's own messages sent from another session (multi-device
 *   sync), and never the messages this session sent itself. It never errors or completes
 *   before `destroy()`.
 * - `state$` replays the current state to a new subscriber.
 * - `send` rejects with an `Error` (with a `code` where the transport has one) when the
 *   message cannot be delivered to the server; it never throws synchronously.
 */
export abstract class SignalingChannel {
  /** Incoming custom messages (C2C and group). */
  abstract readonly messages$: Observable<IncomingMessage>;
  /** Connection state; replays the current value. */
  abstract readonly state$: Observable<SignalingState>;
  /** Logs in; resolves once the channel is `ready`. */
  abstract login(credentials: Credentials): Promise<void>;
  /** Logs out; resolves once the session is closed. Safe to call when logged out. */
  abstract logout(): Promise<void>;
  /** Sends a custom message. */
  abstract send(message: OutgoingMessage): Promise<SentMessage>;
  /** Recent messages of this user's conversations (C2C and its groups), oldest first. */
  abstract history(query: HistoryQuery): Promise<readonly IncomingMessage[]>;
  /** Releases everything; the channel cannot be used afterwards. */
  abstract destroy(): void;
}
