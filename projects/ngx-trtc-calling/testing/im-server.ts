import { Subscription, type SchedulerLike } from 'rxjs';
import type {
  ConversationType,
  Credentials,
  HistoryQuery,
  IncomingMessage,
  OutgoingMessage,
  OutgoingOfflinePush,
  SentMessage,
} from 'ngx-trtc-calling/core';
import { USER_ID_PATTERN, USER_ID_RULE } from 'ngx-trtc-calling/wire';
import { scheduleIn } from './schedule';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import type { VirtualSignalingChannel } from './virtual-signaling-channel';

/** A message as the virtual IM server accepted it (what fault predicates see). */
export interface NetworkMessage {
  /** The message ID receivers see. */
  readonly id: string;
  /** The authenticated sender. */
  readonly from: string;
  /** userID (C2C) or groupID (GROUP). */
  readonly to: string;
  readonly conversationType: ConversationType;
  readonly data: string;
  /** Server time, epoch ms (`scheduler.now()` at `send`). */
  readonly time: number;
  readonly offlinePushInfo?: OutgoingOfflinePush;
}

/** One entry of `VirtualNetwork.sent`. */
export interface SentRecord extends NetworkMessage {
  /** `dropNext` swallowed it: nobody received it and `history` does not show it. */
  readonly dropped: boolean;
  /** ms from `send` to delivery: latency plus any `delay` rules (0 when dropped). */
  readonly delay: number;
}

/** Selects messages for `dropNext` and `delay`. */
export type MessagePredicate = (message: NetworkMessage) => boolean;

/** What the IM server needs from `VirtualNetworkOptions`. */
export interface ImServerConfig {
  readonly scheduler: SchedulerLike;
  readonly latency: number;
  readonly historyRetention: number;
  readonly sessionPolicy: 'single' | 'multi';
  readonly verifyUserSig: (userID: string, userSig: string) => boolean;
}

interface Recipient {
  readonly userID: string;
  /** Store for later when the user has no session (false for the echo to the sender). */
  readonly store: boolean;
}

interface LoggedMessage {
  readonly message: IncomingMessage;
  readonly to: string;
}

/**
 * The in-memory IM server behind `VirtualNetwork.signaling()`: sessions, routing, groups,
 * store-and-forward, history and signaling faults. Internal to the testing entry point.
 */
export class ImServer {
  /** Every accepted `send`, in order. */
  readonly sent: SentRecord[] = [];
  /** Every channel created and not destroyed. */
  readonly channels = new Set<VirtualSignalingChannel>();

  private readonly inflight = new Subscription();
  private readonly log: LoggedMessage[] = [];
  private readonly offline = new Map<string, IncomingMessage[]>();
  private readonly sessions = new Map<string, Set<VirtualSignalingChannel>>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly disconnected = new Set<string>();
  private readonly drops: { readonly match: MessagePredicate }[] = [];
  private readonly delays: { readonly match: MessagePredicate; readonly ms: number }[] = [];
  private seq = 0;

  constructor(readonly config: ImServerConfig) {}

  now(): number {
    return this.config.scheduler.now();
  }

  /** Why these credentials cannot log in, or undefined. */
  checkCredentials(credentials: Credentials): VirtualNetworkError | undefined {
    const { userID, userSig } = credentials ?? ({} as Partial<Credentials>);
    if (typeof userID !== 'string' || !USER_ID_PATTERN.test(userID)) {
      return new VirtualNetworkError(
        VirtualErrorCode.INVALID_USER_ID,
        `login: invalid userID ${JSON.stringify(userID)} (expected ${USER_ID_RULE})`,
      );
    }
    if (typeof userSig !== 'string' || !this.config.verifyUserSig(userID, userSig)) {
      return new VirtualNetworkError(
        VirtualErrorCode.INVALID_USER_SIG,
        `login: UserSig rejected for ${userID}`,
      );
    }
    return undefined;
  }

  register(channel: VirtualSignalingChannel, userID: string): void {
    let set = this.sessions.get(userID);
    if (!set) this.sessions.set(userID, (set = new Set()));
    set.add(channel);
  }

  /** Removes a session; what it had not yet delivered is stored if it was the user's last one. */
  unregister(
    channel: VirtualSignalingChannel,
    userID: string,
    undelivered: readonly IncomingMessage[],
  ): void {
    const set = this.sessions.get(userID);
    if (!set?.delete(channel)) return;
    if (set.size > 0) return;
    this.sessions.delete(userID);
    for (const message of undelivered) this.storeOffline(userID, message);
  }

  sessionsOf(userID: string): VirtualSignalingChannel[] {
    return [...(this.sessions.get(userID) ?? [])];
  }

  isDisconnected(userID: string): boolean {
    return this.disconnected.has(userID);
  }

  /** Under the 'single' policy, the other sessions of `userID` are kicked out. */
  kickOthers(channel: VirtualSignalingChannel, userID: string): void {
    if (this.config.sessionPolicy !== 'single') return;
    for (const other of this.sessionsOf(userID)) {
      if (other !== channel) other._kick('multipleAccount');
    }
  }

  /** Takes the stored messages of `userID` that are still within retention. */
  takeOffline(userID: string): IncomingMessage[] {
    const stored = this.offline.get(userID) ?? [];
    this.offline.delete(userID);
    const oldest = this.now() - this.config.historyRetention;
    return stored.filter((m) => m.time >= oldest);
  }

  /** Accepts a message from a ready session: logs it and schedules its delivery. Throws when refused. */
  accept(sender: VirtualSignalingChannel, from: string, message: OutgoingMessage): SentMessage {
    const { to, conversationType, data, offlinePushInfo } = message ?? ({} as Partial<OutgoingMessage>);
    if (typeof data !== 'string') {
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, 'send: data must be a string');
    }
    let recipients: Recipient[];
    if (conversationType === 'C2C') {
      if (typeof to !== 'string' || !USER_ID_PATTERN.test(to)) {
        throw new VirtualNetworkError(
          VirtualErrorCode.INVALID_PARAMETER,
          `send: invalid recipient ${JSON.stringify(to)}`,
        );
      }
      recipients = [{ userID: to, store: true }];
      if (to !== from) recipients.push({ userID: from, store: false });
    } else if (conversationType === 'GROUP') {
      const members = typeof to === 'string' ? this.groups.get(to) : undefined;
      if (!members) {
        throw new VirtualNetworkError(
          VirtualErrorCode.GROUP_NOT_FOUND,
          `send: no group ${JSON.stringify(to)}`,
        );
      }
      if (!members.has(from)) {
        throw new VirtualNetworkError(
          VirtualErrorCode.NOT_GROUP_MEMBER,
          `send: ${from} is not a member of ${to}`,
        );
      }
      // Members are fixed when the server accepts the message, as in TIM.
      recipients = [...members].map((userID) => ({ userID, store: userID !== from }));
    } else {
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        `send: invalid conversationType ${JSON.stringify(conversationType)}`,
      );
    }

    const time = this.now();
    const id = `virtual-msg-${++this.seq}`;
    // Like the self-hosted server, the virtual one knows who is logged in.
    const sent =
      conversationType === 'C2C' && to !== from && this.sessionsOf(to).length === 0
        ? { id, time, offline: true }
        : { id, time };
    const info: NetworkMessage = {
      id,
      from,
      to,
      conversationType,
      data,
      time,
      ...(offlinePushInfo ? { offlinePushInfo } : {}),
    };
    const dropIndex = this.drops.findIndex((rule) => rule.match(info));
    if (dropIndex >= 0) {
      this.drops.splice(dropIndex, 1);
      this.sent.push({ ...info, dropped: true, delay: 0 });
      return sent;
    }
    const extra = this.delays.filter((rule) => rule.match(info)).reduce((sum, rule) => sum + rule.ms, 0);
    const delay = this.config.latency + extra;
    this.sent.push({ ...info, dropped: false, delay });

    const incoming: IncomingMessage = Object.freeze({
      id,
      from,
      conversationType,
      ...(conversationType === 'GROUP' ? { groupID: to } : {}),
      data,
      time,
    });
    this.prune();
    this.log.push({ message: incoming, to });
    scheduleIn(this.inflight, this.config.scheduler, delay, () => this.deliver(incoming, recipients, sender));
    return sent;
  }

  /** Messages of `userID`'s conversations (C2C both ways, its current groups), oldest first. */
  history(userID: string, query: HistoryQuery): IncomingMessage[] {
    this.prune();
    const since = Math.max(query.since, this.now() - this.config.historyRetention);
    const mine = this.log
      .filter(({ message, to }) =>
        message.time < since
          ? false
          : message.conversationType === 'C2C'
            ? message.from === userID || to === userID
            : this.groups.get(to)?.has(userID) === true,
      )
      .map(({ message }) => message);
    return query.limit > 0 ? mine.slice(-query.limit) : [];
  }

  createGroup(groupID: string, members: readonly string[]): void {
    if (typeof groupID !== 'string' || groupID.length === 0) {
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        'createGroup: groupID must be non-empty',
      );
    }
    if (this.groups.has(groupID)) {
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, `createGroup: ${groupID} exists`);
    }
    this.groups.set(groupID, new Set(members));
  }

  addToGroup(groupID: string, userIDs: readonly string[]): void {
    const members = this.group(groupID, 'addToGroup');
    for (const userID of userIDs) members.add(userID);
  }

  removeFromGroup(groupID: string, userIDs: readonly string[]): void {
    const members = this.group(groupID, 'removeFromGroup');
    for (const userID of userIDs) members.delete(userID);
  }

  groupMembers(groupID: string): string[] {
    return [...this.group(groupID, 'groupMembers')];
  }

  dropNext(match: MessagePredicate): () => void {
    const rule = { match };
    this.drops.push(rule);
    return () => removeItem(this.drops, rule);
  }

  delay(match: MessagePredicate, ms: number): () => void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, `delay: expected ms >= 0, got ${ms}`);
    }
    const rule = { match, ms };
    this.delays.push(rule);
    return () => removeItem(this.delays, rule);
  }

  disconnect(userID: string): void {
    if (this.disconnected.has(userID)) return;
    this.disconnected.add(userID);
    for (const channel of this.sessionsOf(userID)) channel._networkChanged(false);
  }

  reconnect(userID: string): void {
    if (!this.disconnected.delete(userID)) return;
    for (const channel of this.sessionsOf(userID)) channel._networkChanged(true);
  }

  destroy(): void {
    for (const channel of [...this.channels]) channel.destroy();
    this.inflight.unsubscribe();
  }

  private deliver(
    message: IncomingMessage,
    recipients: readonly Recipient[],
    sender: VirtualSignalingChannel,
  ): void {
    for (const { userID, store } of recipients) {
      const sessions = this.sessionsOf(userID);
      if (sessions.length === 0) {
        if (store) this.storeOffline(userID, message);
        continue;
      }
      for (const session of sessions) {
        if (session !== sender) session._receive(message);
      }
    }
  }

  private storeOffline(userID: string, message: IncomingMessage): void {
    const oldest = this.now() - this.config.historyRetention;
    const stored = (this.offline.get(userID) ?? []).filter((m) => m.time >= oldest);
    stored.push(message);
    this.offline.set(userID, stored);
  }

  private prune(): void {
    const oldest = this.now() - this.config.historyRetention;
    const kept = this.log.findIndex((entry) => entry.message.time >= oldest);
    this.log.splice(0, kept < 0 ? this.log.length : kept);
  }

  private group(groupID: string, operation: string): Set<string> {
    const members = this.groups.get(groupID);
    if (!members) {
      throw new VirtualNetworkError(VirtualErrorCode.GROUP_NOT_FOUND, `${operation}: no group ${groupID}`);
    }
    return members;
  }
}

function removeItem<T>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index >= 0) items.splice(index, 1);
}
