import { randomUUID } from 'node:crypto';
import type { HistoryRequest, OkResults, SendRequest, WireMessage } from 'ngx-trtc-calling/wire';
import type { AppendResult, ImmediateStore, RoomGrant, StoredCopy } from './cluster';
import type { LocalUser, Session } from './connection';
import { ERR, WireError } from './errors';
import { inviteesOver } from './frames';
import type { HubState } from './hub-state';
import { InOrder } from './in-order';
import type { Outbox } from './outbox';
import { roomAccessLimits, roomInvite, type RoomAccessLimits } from './room-access';
import { USER_ID_PATTERN } from './usersig';

/**
 * Messages: a `send` stored for every recipient and the sender, each copy pushed to its user's
 * live sessions (here directly, on other nodes through the bus); history; catch-up after the bus
 * was down.
 */
export class Delivery {
  /** Several nodes: each user's copies in seq order, gaps caught up from the mailbox. */
  readonly inOrder: InOrder;
  private readonly accessLimits: RoomAccessLimits;

  constructor(
    private readonly hub: HubState,
    private readonly out: Outbox,
  ) {
    this.accessLimits = roomAccessLimits(hub.config);
    this.inOrder = new InOrder(hub, (user, m, except, skip) => this.push(user, m, except, skip));
  }

  /** Relays a message: synchronous with a store that offers `immediate`, else a promise. */
  send(s: Session, f: SendRequest): OkResults['send'] | Promise<OkResults['send']> {
    const c = this.hub.config;
    const invitees = inviteesOver(f.data, c.maxInvitees);
    if (invitees !== undefined) {
      throw new WireError(ERR.TOO_MANY_INVITEES, `${invitees} invitees, at most ${c.maxInvitees}`);
    }
    const me = s.user.id;
    const now = this.hub.store.immediate;
    if (f.conversationType === 'C2C') {
      if (!USER_ID_PATTERN.test(f.to)) throw new WireError(ERR.INVALID_USER_ID, 'to is not a userID');
      const recipients = f.to === me ? [] : [f.to];
      if (!now) return this.relayLater(s, f, recipients);
      this.grantNow(now, me, f, recipients);
      return this.relay(s, f, now.append(recipients, this.base(me, f)));
    }
    if (!now) return this.relayLater(s, f, null);
    const recipients = this.groupRecipients(me, f.to, now.groupMembers(f.to));
    this.grantNow(now, me, f, recipients);
    return this.relay(s, f, now.append(recipients, this.base(me, f)));
  }

  /**
   * The room access a call invitation in `f` grants: its invitees among the users it reaches,
   * recorded before the message is stored, so an invitee who joins at once is on the list.
   */
  private grantOf(me: string, f: SendRequest, recipients: readonly string[]): RoomGrant | undefined {
    const invite = roomInvite(f.data);
    if (!invite) return undefined;
    const invitees = invite.invitees.filter((u) => u !== me && recipients.includes(u));
    return { roomID: invite.roomID, inviter: me, invitees };
  }

  private grantNow(now: ImmediateStore, me: string, f: SendRequest, recipients: readonly string[]): void {
    const grant = this.grantOf(me, f, recipients);
    if (grant) now.grantRoom(grant, this.accessLimits);
  }

  /** The message's fields but its per-recipient seq: a fresh ID and the server's time. */
  private base(from: string, f: SendRequest): Omit<WireMessage, 'seq'> {
    return {
      id: randomUUID(),
      from,
      conversationType: f.conversationType,
      to: f.to,
      data: f.data,
      time: this.hub.now(),
    };
  }

  /** The members of a group but `me`; refuses a group that does not exist or `me` is not in. */
  private groupRecipients(me: string, groupID: string, members: readonly string[] | null): string[] {
    if (!members) throw new WireError(ERR.UNKNOWN_TARGET, `no group ${groupID}`);
    if (!members.includes(me)) throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${groupID}`);
    return members.filter((u) => u !== me);
  }

  /** `send` over a store that does I/O (`recipients` null: the group's, read first). */
  private async relayLater(
    s: Session,
    f: SendRequest,
    recipients: string[] | null,
  ): Promise<OkResults['send']> {
    const me = s.user.id;
    const store = this.hub.store;
    const to = recipients ?? this.groupRecipients(me, f.to, await store.groupMembers(f.to));
    const grant = this.grantOf(me, f, to);
    if (grant) await store.grantRoom(grant, this.accessLimits);
    return this.relay(s, f, await store.append(to, this.base(me, f)));
  }

  /**
   * Pushes the stored copies; synchronous when every recipient is on this node. With several
   * nodes the ok waits until every copy is on its way to the recipients' nodes.
   */
  private relay(
    s: Session,
    f: SendRequest,
    { copies, echo }: AppendResult,
  ): OkResults['send'] | Promise<OkResults['send']> {
    // Publishes to other nodes (none on one node: no array then).
    let handed: Promise<void>[] | null = null;
    for (const copy of copies) handed = this.route(copy, null, handed);
    // The sender's own copy: stored for its other devices, never echoed to the sending session.
    handed = this.route(echo, s.id, handed);
    // Several nodes: the ok's seq raises the client's lastSeq, so the copies below it come first.
    const inOrder = this.hub.clustered ? this.inOrder.reached(s.user, echo.message.seq) : null;
    if (inOrder) (handed ??= []).push(inOrder);
    const m = echo.message;
    const result: OkResults['send'] =
      f.conversationType === 'C2C' && copies.length === 1 && this.offline(copies[0]!)
        ? { messageID: m.id, time: m.time, seq: m.seq, offline: true }
        : { messageID: m.id, time: m.time, seq: m.seq };
    if (!handed) return this.relayed(f, result);
    return Promise.all(handed).then(() => this.relayed(f, result));
  }

  /**
   * Whether a copy's user has no session anywhere: no other node holds one (the Redis store
   * lists only nodes with sessions; the memory store always lists this one), nor this node.
   */
  private offline(copy: StoredCopy): boolean {
    const hub = this.hub;
    for (const node of copy.nodes) if (node !== hub.node) return false;
    return copy.nodes.length === 0 || !hub.users.get(copy.userID)?.sessions.size;
  }

  private relayed(f: SendRequest, result: OkResults['send']): OkResults['send'] {
    this.hub.metrics.messagesRelayed.inc(f.conversationType);
    return result;
  }

  /** Pushes a stored copy to the nodes holding sessions of its user; adds publishes to `handed`. */
  private route(
    copy: StoredCopy,
    except: string | null,
    handed: Promise<void>[] | null,
  ): Promise<void>[] | null {
    const hub = this.hub;
    for (const node of copy.nodes) {
      if (node === hub.node) this.deliver(copy.userID, copy.message, except);
      else
        (handed ??= []).push(
          hub.publish(node, { k: 'msg', userID: copy.userID, except, message: copy.message }),
        );
    }
    return handed;
  }

  /**
   * Pushes a message to the live sessions of `userID` on this node, except `except`; with several
   * nodes in seq order (`InOrder`).
   */
  deliver(userID: string, message: WireMessage, except: string | null): void {
    const user = this.hub.users.get(userID);
    if (!user) return;
    if (this.hub.clustered) return this.inOrder.accept(user, message, except);
    user.pushedSeq = Math.max(user.pushedSeq, message.seq);
    this.push(user, message, except);
  }

  private push(user: LocalUser, message: WireMessage, except: string | null, skip?: Session): void {
    for (const s of user.sessions) {
      if (!s.conn || s.id === except || s === skip) continue;
      if (s.replaying) s.replaying.push(message);
      else if (this.out.send(s.conn, { t: 'msg', message })) this.hub.metrics.deliveries.inc();
    }
  }

  /**
   * One page of history: the newest matching messages within the page size (a quarter of
   * `maxBufferedBytes`, at least one message), so that no reply outgrows what a connection may
   * buffer; `more` and `beforeSeq` say where the next, older page starts.
   */
  async history(s: Session, f: HistoryRequest): Promise<OkResults['history']> {
    const c = this.hub.config;
    const limit = Math.min(f.limit, c.mailboxMaxMessages);
    const found = await this.hub.store.history(s.user.id, f.since, limit, f.beforeSeq);
    const budget = Math.max(c.maxFrameBytes, Math.floor(c.maxBufferedBytes / 4));
    let start = found.length;
    for (let bytes = 0; start > 0; start--) {
      const m = found[start - 1]!;
      // The text of one message: its data as JSON escapes it (a control character takes six
      // bytes), its IDs and about 150 bytes of JSON around them.
      bytes += Buffer.byteLength(JSON.stringify(m.data)) + m.from.length + m.to.length + m.id.length + 150;
      if (bytes > budget && start < found.length) break;
    }
    const messages = found.slice(start);
    const first = messages[0];
    return start > 0 && first ? { messages, more: true, beforeSeq: first.seq } : { messages };
  }

  /** The bus was down: pushes what was stored meanwhile to the live sessions here. */
  catchUp(): Promise<void> {
    return this.inOrder.catchUpAll();
  }
}
